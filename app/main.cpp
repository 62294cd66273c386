// loopcast CLI: `run` streams (with the HTTP API and the shared-file protocol when configured),
// `prepare` pre-encodes loops for splice mode, `probe` checks a loop or audio source, `version`
// prints versions.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "api/azuracast_feed.hpp"
#include "api/http_server.hpp"
#include "api/youtube/youtube_watch.hpp"
#include "app/defaults.hpp"
#include "app/service_notify.hpp"
#include "app/youtube_auth.hpp"
#include "base/libav_log.hpp"
#include "control/config/config.hpp"
#include "control/cluster/cluster.hpp"
#include "control/config/config_reference.hpp"
#include "base/atomic_file.hpp"
#include "control/files/file_protocol.hpp"
#include "control/config/stream_config.hpp"
#include "control/channels/streams.hpp"
#include "control/stream/supervisor.hpp"
#include "base/log.hpp"
#include "base/tls.hpp"
#include "base/version.hpp"
#include "control/mapping/track_map.hpp"
#include "engine/input/loop_source.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/splice/cache_key.hpp"
#include "engine/splice/loop_cache.hpp"

using namespace loopcast;

namespace {
std::atomic<int> g_signal{0};
std::atomic<bool> g_reload{false};

void on_signal(int sig) {
  if (sig == SIGHUP) g_reload = true;
  else g_signal = sig;
}

int usage(int code) {
  std::fputs(
      "loopcast — radio audio under a looping video, streamed to YouTube Live (RTMP/RTMPS)\n\n"
      "usage:\n"
      "  loopcast run [flags]      stream (see flags below)\n"
      "  loopcast prepare [flags]  encode the loops (--loops-dir, --loop, --mapping) once for\n"
      "                            --video-mode splice, with the same profile flags as run\n"
      "  loopcast probe FILE       check that a loop video opens and decodes\n"
      "  loopcast youtube-auth     sign in to YouTube (device flow) for --youtube; --help for its flags\n"
      "  loopcast version          print versions\n"
      "  loopcast config-reference print every setting as Markdown (docs/configuration.md)\n\n",
      stdout);
  std::fputs(cli_usage().c_str(), stdout);
  return code;
}

int cmd_version() {
  fmt::print("loopcast {} (libavformat {}, libavcodec {}, libswresample {}, libswscale {})\n", version(),
             AV_STRINGIFY(LIBAVFORMAT_VERSION), AV_STRINGIFY(LIBAVCODEC_VERSION), AV_STRINGIFY(LIBSWRESAMPLE_VERSION),
             AV_STRINGIFY(LIBSWSCALE_VERSION));
  return 0;
}

int cmd_probe(const std::vector<std::string>& args) {
  if (args.empty()) return usage(2);
  int rc = 0;
  for (const auto& path : args) {
    auto src = LoopSource::open(path, VideoFormat{});
    if (!src) {
      fmt::print(stderr, "error: {}\n", src.error());
      rc = 1;
      continue;
    }
    fmt::print("ok: {}\n", path);
  }
  return rc;
}

// The loops of the loops dir, --loop and the mapping, each named once.
std::vector<std::string> loops_to_prepare(const AppConfig& cfg) {
  std::vector<std::string> loops = loops_in(cfg.control.loops_dir);
  auto add = [&](const std::string& l) {
    if (!l.empty() && std::find(loops.begin(), loops.end(), l) == loops.end()) loops.push_back(l);
  };
  add(cfg.engine.loop);
  if (!cfg.control.mapping_file.empty()) {
    if (auto map = TrackMap::load(cfg.control.mapping_file, cfg.control.loops_dir))
      for (const auto& l : map->loops()) add(l);
    else fmt::print(stderr, "warning: {}\n", map.error());
  }
  return loops;
}

int cmd_prepare(const std::vector<std::string>& args) {
  AppConfig cfg;
  if (Status st = apply_cli_flags(cfg, args); !st) {
    fmt::print(stderr, "error: {}\n(see `loopcast prepare --help`)\n", st.error());
    return 2;
  }
  apply_embedded_defaults(cfg);
  // prepare streams nowhere: only the profiles need to be valid, the stream's and its outputs' own
  // (an output whose key is not in this environment is checked on a stand-in that carries its codec).
  AppConfig check = cfg;
  check.engine.outputs.clear();
  for (const auto& o : cfg.engine.outputs) {
    if (o.find("{key}") == std::string::npos) {
      check.engine.outputs.push_back(o);
      continue;
    }
    auto p = output_profile(o, cfg.engine);
    const bool hevc = p ? p->codec == VideoCodec::hevc : cfg.engine.codec == VideoCodec::hevc;
    const std::string_view own = profile_text(o);
    check.engine.outputs.push_back(std::string(hevc ? "hls:prepare" : "prepare.flv") + (own.empty() ? "" : "#" + std::string(own)));
  }
  if (check.engine.outputs.empty()) check.engine.outputs = {cfg.engine.codec == VideoCodec::hevc ? "hls:prepare" : "prepare.flv"};
  if (Status st = validate(check); !st) {
    fmt::print(stderr, "error: {}\n", st.error());
    return 2;
  }
  const std::string dir = cfg.engine.cache_dir.empty() ? default_cache_dir() : cfg.engine.cache_dir;
  const auto loops = loops_to_prepare(cfg);
  LoopCache cache(cfg.engine, dir);
  cache.prepare(loops);
  cache.wait_idle();
  int rc = loops.empty() ? 1 : 0;
  for (const auto& l : loops) {
    auto c = cache.load(l);
    if (c) fmt::print("ok: {} ({} frames, {:.0f} kB)\n", l, (*c)->frames(), (*c)->bytes() / 1000.0);
    else fmt::print(stderr, "error: {}\n", c.error());
    if (!c) rc = 1;
  }
  fmt::print("cache: {}\n", dir);
  return rc;
}

// One stream: its Supervisor, AzuraCast feed, YouTube watch and DIR/{id}/ files as one Stream,
// started when its config says so. The parts act on the stream through the Supervisor, except the
// files, whose status.json is the whole stream's status.
Result<std::shared_ptr<Stream>> launch_stream(const StreamSpec& s, const std::string& control_dir) {
  auto sup = std::make_shared<Supervisor>(s.cfg);
  auto stream = std::make_shared<Stream>(s.id, sup, [sup] { return sup->finished(); });
  const auto& c = s.cfg.control;
  // Before the stream opens: its REST answer picks the loop of the first frame. Its timeout is
  // capped so that a slow AzuraCast delays the first frame by seconds, not by a long io_timeout.
  if (!c.azuracast_url.empty()) {
    auto feed = std::make_shared<AzuraCastFeed>(*sup, FeedOptions{c.azuracast_url, c.station, std::min(s.cfg.engine.io_timeout, 10.0)});
    stream->add(feed);
    feed->start();
  }
  if (!control_dir.empty()) {
    auto files = std::make_shared<FileProtocol>(*stream, control_dir + "/" + s.id);
    if (Status st = files->start(); !st) return st.forward();
    stream->add(files);
  }
  // With stream windows, autostart starts only inside one (the schedule starts it later).
  if (c.autostart && !sup->scheduled_on()) log::info("main", "stream '{}': outside its schedule: waiting for the next window", s.id);
  if (c.autostart && sup->scheduled_on())
    if (Status st = sup->start(); !st) return st.forward();
  // Beside the stream, never in its way: it reads the status and writes only its own part of it.
  if (c.youtube.enabled) {
    const char* key_env = std::getenv("LOOPCAST_STREAM_KEY");
    YouTubeWatchOptions yo{c.youtube, youtube_stream_key(s.cfg.engine.outputs, key_env ? key_env : ""),
                           c.station.empty() ? s.id : c.station, std::min(s.cfg.engine.io_timeout, 15.0)};
    auto youtube = std::make_shared<YouTubeWatch>(*sup, std::move(yo));
    stream->add(youtube);
    youtube->start();
  }
  return stream;
}

// The process-wide settings and the streams document from env, --config and flags. A config with
// a "streams" array: its top and the flags are what every entry starts from. Without: one stream,
// "main", exactly as before channels.
Status load_run_config(const std::vector<std::string>& args, AppConfig& cfg, StreamsDocument& doc) {
  apply_environment(cfg);
  if (const std::string path = config_flag(args); !path.empty()) {
    auto text = read_file(path, 16 << 20);
    if (!text) return Error{fmt::format("config file '{}': {}", path, text.code() == Errc::not_found ? "cannot open" : text.error()), text.code()};
    auto split = split_streams_document(*text);
    if (!split) return Error{fmt::format("{}: {}", path, split.error()), split.code()};
    doc = std::move(*split);
  }
  if (doc.has_streams) {
    if (Status st = apply_config_json(cfg, doc.top_json); !st) return Error{fmt::format("{}: {}", config_flag(args), st.error()), st.code()};
    return apply_cli_flags(cfg, without_config_flag(args));
  }
  doc.entries = {fmt::format("{{\"id\":\"{}\"}}", kDefaultStreamId)};
  if (Status st = apply_cli_flags(cfg, args); !st) return st;
  // One stream: checked here too, so its errors read as they always have (no "stream 'main': ").
  AppConfig check = cfg;
  resolve_stream_key(check);
  apply_embedded_defaults(check);
  return validate(check);
}

// --shard, --replicas and --peer-url: which streams this replica runs and where the others answer.
Result<Cluster> resolve_cluster(const ControlConfig& c) {
  auto shard = resolve_shard(c.shard, c.replicas, ShardEnvironment::from_process());
  if (!shard) return shard.forward();
  if (Status st = check_peer_url(c.peer_url); !st) return st.forward();
  return Cluster{*shard, c.peer_url};
}

int cmd_run(const std::vector<std::string>& args) {
  AppConfig cfg;
  StreamsDocument doc;
  if (Status st = load_run_config(args, cfg, doc); !st) {
    fmt::print(stderr, "error: {}\n(see `loopcast run --help`)\n", st.error());
    return 2;
  }
  auto cluster = resolve_cluster(cfg.control);
  if (!cluster) {
    fmt::print(stderr, "error: {}\n(see `loopcast run --help`)\n", cluster.error());
    return 2;
  }
  log::set_level(cfg.control.log_level);
  set_tls_policy(cfg.control.tls);  // process-wide, like the signals and the one HTTP server
  if (!cfg.control.tls.verify) log::warn("tls", "--tls-insecure: TLS certificates are NOT verified; the stream key may reach an impostor");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_signal);
  std::signal(SIGPIPE, SIG_IGN);  // a dropped TCP peer is an error value, not a process kill

  const std::string control_dir = cfg.control.control_dir;
  // Replicas share one config file: none writes back its own part of it (it would drop the others').
  Streams streams(Streams::Options{cfg, doc, cluster->shard.sharded() ? "" : config_flag(args),
                                   [](AppConfig& c) {
                                     resolve_stream_key(c);
                                     apply_embedded_defaults(c);
                                   },
                                   [control_dir](const StreamSpec& s) { return launch_stream(s, control_dir); },
                                   [shard = cluster->shard](const StreamSpec& s) { return shard.owns(s.id); }});
  // The backup ingest of the streams whose hash order puts this replica second ("backup": true):
  // the same stream published to its backup URLs, so YouTube keeps the broadcast while the owner
  // is gone or rolled. Never persisted; its files in DIR/backup/{id}.
  Streams backups(Streams::Options{cfg, doc, "",
                                   [](AppConfig& c) {
                                     resolve_stream_key(c);
                                     apply_embedded_defaults(c);
                                   },
                                   [control_dir](const StreamSpec& s) {
                                     StreamSpec b = s;
                                     b.cfg.engine.outputs = s.backup_outputs;
                                     b.cfg.control.youtube.enabled = false;  // the owner watches the broadcast
                                     return launch_stream(b, control_dir.empty() ? "" : control_dir + "/backup");
                                   },
                                   [shard = cluster->shard](const StreamSpec& s) { return s.backup && shard.backup(s.id) == shard.index; }});
  if (auto specs = streams.parse_all(); !specs) {
    fmt::print(stderr, "error: {}\n", specs.error());
    return 2;
  }
  if (Status st = streams.load(); !st) {
    fmt::print(stderr, "error: {}\n", st.error());
    return 1;
  }
  if (Status st = backups.load(); !st) {
    fmt::print(stderr, "error: backup: {}\n", st.error());
    return 1;
  }
  std::unique_ptr<HttpServer> http;
  if (cfg.control.http_port > 0) {
    http = std::make_unique<HttpServer>(streams, cfg.control);
    http->set_cluster(*cluster, &backups);
    if (Status st = http->start(); !st) {
      fmt::print(stderr, "error: {}\n", st.error());
      return 1;
    }
  }
  if (cluster->shard.sharded())
    log::info("main", "replica {} of {}: {} stream(s) of the config run here: {}; backup ingest of: {}", cluster->shard.index, cluster->shard.count,
              streams.ids().size(), fmt::join(streams.ids(), ", "), fmt::join(backups.ids(), ", "));
  else log::info("main", "{} stream(s): {}", streams.ids().size(), fmt::join(streams.ids(), ", "));
  std::unique_ptr<FileProtocol> files;  // DIR/status.json and DIR/control.json: the first stream's
  if (!control_dir.empty()) {
    files = std::make_unique<FileProtocol>(streams.first(), control_dir);
    if (Status st = files->start(); !st) {
      fmt::print(stderr, "error: {}\n", st.error());
      if (http) http->stop();
      return 1;
    }
  }
  notify_ready(streams.ids().size());  // systemd Type=notify: started, API listening
  while (!g_signal && !streams.all_finished()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!g_reload.exchange(false)) continue;
    if (http) (void)http->reload_certificate();  // logs its own success or failure
    for (Streams* registry : {&streams, &backups})
      for (const auto& s : registry->specs()) {
        if (s.cfg.control.mapping_file.empty()) continue;
        if (auto ctl = registry->find(s.id)) {
          if (Status st = ctl->reload_mapping(); !st) log::warn("main", "SIGHUP: stream '{}': {}", s.id, st.error());
        }
      }
  }
  if (g_signal) notify_stopping();
  if (g_signal) log::info("main", "signal {}: stopping gracefully", g_signal.load());
  if (http) http->stop();
  if (files) {
    // DIR/status.json follows the first stream: stop it while it is still in the registry, so the
    // last status written says "stopped" for that stream (after stop_all there is no stream left
    // to describe, and it said "no such stream").
    (void)streams.first().stop();
    files->poll_once();
    files->stop();
  }
  streams.stop_all();
  backups.stop_all();
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  install_libav_log();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage(2);
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "youtube-auth") return cmd_youtube_auth(args);  // its own flags (and --help)
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return usage(0);
  if (cmd == "run") return cmd_run(args);
  if (cmd == "probe") return cmd_probe(args);
  if (cmd == "prepare") return cmd_prepare(args);
  if (cmd == "version" || cmd == "--version") return cmd_version();
  if (cmd == "config-reference") return std::fputs(config_reference_markdown().c_str(), stdout) < 0 ? 1 : 0;
  if (cmd == "--help" || cmd == "-h" || cmd == "help") return usage(0);
  fmt::print(stderr, "error: unknown command '{}'\n", cmd);
  return usage(2);
}
