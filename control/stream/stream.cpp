#include "control/stream/stream.hpp"

namespace loopcast {

Stream::Stream(std::string id, std::shared_ptr<Controller> lifecycle, std::function<bool()> finished)
    : id_(std::move(id)), core_(std::move(lifecycle)), finished_(std::move(finished)) {}

Stream::~Stream() { close(); }

void Stream::add(std::shared_ptr<StreamPart> part) {
  MutexLock lk(mu_);
  parts_.push_back(std::move(part));
}

std::vector<std::shared_ptr<StreamPart>> Stream::parts() const {
  MutexLock lk(mu_);
  return parts_;
}

void Stream::close() {
  {
    MutexLock lk(mu_);
    if (closed_) return;
    closed_ = true;
  }
  const auto all = parts();
  // Newest first within each group: a part added later may lean on an earlier one.
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if ((*it)->closes() == StreamPart::Closes::before_pipeline) (*it)->close();
  (void)core_->stop();  // conflict ("not running") is fine
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if ((*it)->closes() == StreamPart::Closes::after_pipeline) (*it)->close();
}

StatusSnapshot Stream::status() const {
  StatusSnapshot s = core_->status();
  for (const auto& p : parts()) p->into(s);
  s.stream = id_;
  return s;
}

}  // namespace loopcast
