// base/result.hpp: a failure carried up unchanged through functions of other result types.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "base/result.hpp"

using namespace loopcast;

namespace {
Result<int> parse(const std::string& s) {
  if (s.empty()) return Error{"empty", Errc::invalid};
  return static_cast<int>(s.size());
}
Status check(bool ok) { return ok ? Status::ok() : Status(Error{"refused", Errc::conflict}); }

Result<std::unique_ptr<int>> boxed(const std::string& s) {
  auto n = parse(s);
  if (!n) return n.forward();
  return std::make_unique<int>(*n);
}
Result<double> checked(bool ok) {
  if (Status st = check(ok); !st) return st.forward();
  return 1.5;
}
Status as_status(const std::string& s) {
  auto n = parse(s);
  if (!n) return n.forward();
  return Status::ok();
}
}  // namespace

TEST_CASE("result: forward() carries a failure's message and code into another result type") {
  auto b = boxed("");
  REQUIRE_FALSE(b);
  CHECK(b.error() == "empty");
  CHECK(b.code() == Errc::invalid);
  auto ok = boxed("abc");
  REQUIRE(ok);
  CHECK(**ok == 3);

  auto c = checked(false);
  REQUIRE_FALSE(c);
  CHECK(c.error() == "refused");
  CHECK(c.code() == Errc::conflict);
  CHECK(checked(true));

  Status st = as_status("");
  REQUIRE_FALSE(st);
  CHECK(st.error() == "empty");
  CHECK(st.code() == Errc::invalid);
  CHECK(as_status("x"));
}

#ifdef NDEBUG  // (a debug build asserts instead)
TEST_CASE("result: forward() of a success is an internal error, never a failure without a message") {
  Result<int> r = 1;
  CHECK(r.forward().code == Errc::internal);
  CHECK_FALSE(r.forward().message.empty());
  CHECK(Status::ok().forward().code == Errc::internal);
}
#endif
