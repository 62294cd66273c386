// GET /live/{stream}/index.m3u8 and /live/{stream}/index<N>.ts: the files a stream's `hls:DIR`
// output writes, served for the station's own site. Public and readable from any origin (the
// player runs on the station's pages), like the other GETs; only the playlist and segment names
// the HLS output writes are ever opened (engine/output/output_kind.hpp is_hls_file_name), so no
// path from a request reaches the file system.
#pragma once
#include <httplib.h>

#include <functional>
#include <string>

namespace loopcast {

class Streams;

// The HLS directory of stream `id` ("" when it has none, or there is no such stream).
using HlsDirOf = std::function<std::string(const std::string& id)>;
void add_hls_routes(httplib::Server& svr, HlsDirOf dir_of);
// The first `hls:` output's directory of stream `id` in the registry; "".
std::string hls_dir_for(const Streams& streams, const std::string& id);

}  // namespace loopcast
