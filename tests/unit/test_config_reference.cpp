// The generated configuration reference: one row per key of the table, cells that stay cells.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "control/config/config.hpp"
#include "control/config/config_reference.hpp"

using namespace loopcast;

namespace {
// Cell separators of a Markdown table row: '|' not escaped by a backslash.
int separators(const std::string& row) {
  int n = 0;
  for (size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++n;
  return n;
}
}  // namespace

TEST_CASE("config reference: every key is one well-formed row, every variable listed") {
  const std::string md = config_reference_markdown();
  std::istringstream lines(md);
  std::string line;
  int key_rows = 0;
  bool in_keys = false;
  while (std::getline(lines, line)) {
    if (line.rfind("| flag |", 0) == 0) in_keys = true;
    else if (line.empty()) in_keys = false;
    else if (in_keys && line.rfind("|---", 0) != 0) {
      ++key_rows;
      CHECK_MESSAGE(separators(line) == 7, line);  // 6 cells, whatever '|' the help text holds
    }
  }
  CHECK(key_rows == static_cast<int>(config_keys().size()));
  for (const auto& k : config_keys()) CHECK_MESSAGE(md.find("| `" + k.name + "` |") != std::string::npos, k.name);
  for (const auto& v : config_environment()) CHECK(md.find(std::string("`") + v.name + "`") != std::string::npos);
  // Scope and switches come from the table too.
  CHECK(md.find("| `--http-port V` | `http_port` | process |") != std::string::npos);
  CHECK(md.find("| `--no-realtime` | `no_realtime` | stream |") != std::string::npos);
  CHECK(md.find("bars\\|wave\\|spectrum") != std::string::npos);
}
