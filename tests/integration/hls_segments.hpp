// The segments an hls:DIR output left, in order, and all of them joined into one MPEG-TS file that
// libavformat and the ffmpeg CLI read as the stream (the playlist keeps a rolling window).
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/integration/run_loopcast.hpp"

namespace loopcast::test {

// index<N>.ts by N.
inline std::map<int64_t, std::string> hls_segments(const std::string& dir) {
  std::map<int64_t, std::string> segs;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("index", 0) == 0 && ends_with(name, ".ts")) segs[std::stoll(name.substr(5, name.size() - 8))] = e.path().string();
  }
  return segs;
}

// Writes the segments of `dir`, in order, to `out`; returns how many.
inline size_t join_hls_segments(const std::string& dir, const std::string& out) {
  const auto segs = hls_segments(dir);
  std::ofstream o(out, std::ios::binary);
  for (const auto& [n, path] : segs) o << std::ifstream(path, std::ios::binary).rdbuf();
  return segs.size();
}

}  // namespace loopcast::test
