// Test entry point: libav's own chatter is silenced unless LOOPCAST_TEST_VERBOSE is set.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

extern "C" {
#include <libavutil/log.h>
}

int main(int argc, char** argv) {
  if (!std::getenv("LOOPCAST_TEST_VERBOSE")) av_log_set_level(AV_LOG_QUIET);
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
