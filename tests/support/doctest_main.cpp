// Test entry point: libav's own chatter is silenced unless LOOPCAST_TEST_VERBOSE is set, and a
// test-case filter that matches nothing is a failure (ctest runs one case per filter: a name
// that no longer matches must not pass silently).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

#include "base/libav_log.hpp"

namespace {
struct CountingListener : doctest::IReporter {
  static inline int started = 0;
  explicit CountingListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("counting", 1, CountingListener);
}  // namespace

int main(int argc, char** argv) {
  loopcast::install_libav_log();  // as the binary does: failures carry libav's reason
  if (!std::getenv("LOOPCAST_TEST_VERBOSE")) av_log_set_level(AV_LOG_QUIET);
  doctest::Context ctx(argc, argv);
  const int rc = ctx.run();
  bool filtered = false;
  for (int i = 1; i < argc; ++i) filtered |= std::string(argv[i]).rfind("--test-case=", 0) == 0 || std::string(argv[i]) == "-tc";
  if (rc == 0 && filtered && CountingListener::started == 0 && !ctx.shouldExit()) {
    std::fprintf(stderr, "error: the test-case filter matched no test\n");
    return 1;
  }
  return rc;
}
