#include "control/stream/title_cards.hpp"

#include <chrono>

#include "base/log.hpp"
#include "engine/splice/card_composer.hpp"
#include "engine/splice/compose_pool.hpp"

namespace loopcast {

TitleCards::TitleCards(const EngineConfig& cfg, std::shared_ptr<LoopCache> cache) : s_(std::make_shared<Shared>()) {
  s_->cfg = cfg;
  s_->dir = cache->dir() + "/cards";
  s_->cache = std::move(cache);
}

TitleCards::~TitleCards() { s_->cancel = true; }

std::shared_ptr<CardSlot> TitleCards::compose(const std::string& loop, const TrackInfo& track, const std::string& next) {
  const CardText text{display_text(track), card_subline(track.album, next)};
  auto slot = std::make_shared<CardSlot>(text.title);
  // The job holds what it needs: it may outlive this stream by one compose (then cancelled).
  auto job = [s = s_, slot, loop, text] {
    if (s->cancel) return slot->fail("the stream is stopping");
    const auto t0 = std::chrono::steady_clock::now();
    auto plain = s->cache->ensure(loop);  // built already (or now) for the song's switch itself
    if (!plain) return slot->fail(plain.error());
    auto card = compose_card(**plain, text, s->cfg, s->dir, kCardCacheBytes, &s->cancel);
    if (!card) return slot->fail(card.error());
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!card->from_cache) log::info("card", "title card for '{}' composed over '{}' in {:.1f} s", text.title, loop, took);
    slot->fulfil(std::move(card->segment), card->from_cache ? 0 : took);
  };
  if (!ComposePool::shared().submit(std::move(job))) slot->fail("the compose queue is full (cards of other channels first)");
  return slot;
}

}  // namespace loopcast
