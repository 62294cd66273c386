// Whole-file reads and atomic writes (temp file in the same directory + rename), so a reader of
// status.json never sees a half-written document.
#pragma once
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace loopcast {

Status write_file_atomic(const std::string& path, std::string_view content);
// Errc::not_found when missing, Errc::invalid when larger than max_bytes.
Result<std::string> read_file(const std::string& path, size_t max_bytes);

}  // namespace loopcast
