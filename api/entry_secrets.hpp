// A stream entry's secrets through the API, write-only: GET shows stream keys, URL credentials,
// query values and the entry's api_token as "****"; a PUT that sends such a value back unchanged
// keeps the secret it hides, so an edit that leaves the key alone keeps the key and the page never
// needs to know it.
#pragma once
#include <string>

#include "base/result.hpp"

namespace loopcast {

// The stream's entry as GET shows it: outputs and URLs redacted, registered secrets hidden.
std::string redacted_entry(const std::string& entry_json);
// `body` (a PUT's entry) with every value that equals the shown form of the old entry's value under
// the same key (a string, or an item of a list) replaced by the old value. A value holding "****"
// that hides nothing of the old entry (`old_entry` "" when the stream is new) is refused, naming
// the key: it would otherwise go on air as a literal "****".
Result<std::string> restore_hidden(const std::string& id, const std::string& body, const std::string& old_entry);

}  // namespace loopcast
