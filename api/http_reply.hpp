// The API's error replies: {"error": "..."} with the HTTP code of the error's kind.
#pragma once
#include <httplib.h>

#include <string>

#include "base/result.hpp"
#include "base/json_text.hpp"

namespace loopcast {

inline void reply_error(httplib::Response& res, int code, const std::string& msg) {
  res.status = code;
  res.set_content("{\"error\":" + json_quote(msg) + "}", "application/json");
}

inline int http_code(Errc c) {
  switch (c) {
    case Errc::invalid: return 400;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
  }
  return 500;
}

}  // namespace loopcast
