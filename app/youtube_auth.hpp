// `loopcast youtube-auth`: signs loopcast in to a YouTube channel without a browser on the
// server (Google's OAuth device flow) and keeps the refresh token for LOOPCAST_YOUTUBE_REFRESH_TOKEN.
#pragma once
#include <string>
#include <vector>

namespace loopcast {

int cmd_youtube_auth(const std::vector<std::string>& args);

}  // namespace loopcast
