#include <doctest/doctest.h>

#include "engine/input/icy.hpp"

using loopcast::icy_stream_title;

TEST_CASE("StreamTitle is extracted from ICY metadata packets") {
  CHECK(icy_stream_title("StreamTitle='Daft Punk - One More Time';StreamUrl='';") == "Daft Punk - One More Time");
  CHECK(icy_stream_title("StreamTitle='Guns N' Roses - Don't Cry';") == "Guns N' Roses - Don't Cry");
  CHECK(icy_stream_title("StreamTitle='';") == "");
  CHECK_FALSE(icy_stream_title("StreamUrl='http://x';").has_value());
  CHECK(icy_stream_title("StreamTitle='unterminated") == "unterminated");
}
