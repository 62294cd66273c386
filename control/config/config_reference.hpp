// The configuration reference as Markdown, generated from the key table that `--help` and
// validate() use, so the manual (docs/configuration.md) cannot drift from the binary: a test
// compares the committed file with `loopcast config-reference`.
#pragma once
#include <string>

namespace loopcast {

std::string config_reference_markdown();

}  // namespace loopcast
