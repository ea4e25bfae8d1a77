// What changed between two registry documents (docs/contract.md section 10): the registry's own
// fields (id, version, published, ...), entries added, removed, changed (field by field, nested
// fields as holder.name or list.row; a default written out, status valid or kind equipment, is
// the same as one left out) and revoked (an entry whose status is now revoked or suspended). Both documents are loaded and checked as the
// plugin loads them first, so a diff never compares a registry the plugin would refuse.
#pragma once

#include <string>
#include <vector>

namespace firstset::lists {

struct FieldChange {
    std::string field, old_json, new_json;  // values as compact JSON; "null" when absent
};

struct DiffEntry {
    std::string id;
    std::string json;      // added, removed: the whole entry; revoked: the entry in NEW
    std::string status;    // revoked: the new status; its old one in old_status
    std::string old_status;
    std::vector<FieldChange> changes;  // changed
    std::string product, holder;       // the entry's (in NEW where it is there), for a table
};

struct RegistryInfo {
    std::string file, id, version, sha256;
    std::size_t entries = 0;
};

struct RegistryDiff {
    RegistryInfo old_registry, new_registry;
    std::vector<FieldChange> header;                          // registry.id, version, published, ...
    std::vector<DiffEntry> added, removed, changed, revoked;  // each in id order
    bool empty() const { return header.empty() && added.empty() && removed.empty() && changed.empty() && revoked.empty(); }
};

// Throws StatusError (IO, PARSE, CONFIG) naming the file that cannot be read.
RegistryDiff diff_registries(const std::string& old_file, const std::string& new_file);

// The diff as a JSON document (firstset-registry diff --json).
std::string diff_json(const RegistryDiff& d);

}  // namespace firstset::lists
