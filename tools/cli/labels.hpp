// Readable labels for the keys of records and their fixed vocabularies (procedure items,
// exclusions, stages, decisions, severities, ownership, procurement methods, record kinds), so that
// what people read never shows a raw key such as committee_formed. Shared by the example host and
// the compliance officers' tool.
#pragma once

#include <string>

namespace host {

struct KeyLabel {
    std::string zh, en;
};

// The label of a key firstset knows; for any other key, the key in words (committee_formed →
// "committee formed") in both languages.
KeyLabel label_of(const std::string& key);

}  // namespace host
