#include "registry_diff.hpp"

#include <algorithm>
#include <map>

#include "registry/registry.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

namespace firstset::lists {
namespace {

struct Loaded {
    SourceDocument doc;
    std::map<std::string, const json::Value*> by_id;
    RegistryInfo info;
};

Loaded load(const std::string& file) {
    Loaded l{SourceDocument::read(file), {}, {}};
    const Registry registry = Registry::from_document(l.doc);  // schema, ids, dates: as the plugin loads it
    l.info = {file, registry.id(), registry.version(), l.doc.sha256(), registry.size()};
    for (const json::Value& c : l.doc.root()["certificates"].items()) l.by_id.emplace(std::string(c["id"].str()), &c);
    return l;
}

void flatten(const json::Value& v, const std::string& path, std::map<std::string, std::string>& out) {
    // A default written out is the same entry as one left out.
    if ((path == "status" && v.is_string() && v.str() == "valid") || (path == "kind" && v.is_string() && v.str() == "equipment")) return;
    if (v.is_object()) {
        for (const json::Member& m : v.members()) flatten(m.value, path.empty() ? std::string(m.name()) : path + "." + std::string(m.name()), out);
        return;
    }
    out[path] = v.to_json();
}

std::string status_of(const json::Value& c) {
    const json::Value* s = c.find("status");
    return s ? std::string(s->str()) : "valid";
}

// Field by field (nested fields as holder.name), in field order; `skip` is left out.
std::vector<FieldChange> field_changes(const json::Value& old_value, const json::Value& new_value, std::string_view skip = {}) {
    std::map<std::string, std::string> before, after;
    flatten(old_value, "", before);
    flatten(new_value, "", after);
    std::vector<FieldChange> out;
    for (const auto& [field, value] : after) {
        const auto it = before.find(field);
        if (field != skip && (it == before.end() || it->second != value))
            out.push_back({field, it == before.end() ? "null" : it->second, value});
    }
    for (const auto& [field, value] : before)
        if (field != skip && !after.count(field)) out.push_back({field, value, "null"});
    std::sort(out.begin(), out.end(), [](const FieldChange& x, const FieldChange& y) { return x.field < y.field; });
    return out;
}

DiffEntry entry(const std::string& id, const json::Value& c, std::string old_status) {
    DiffEntry e{id, c.to_json(), status_of(c), std::move(old_status), {}, std::string(c["product"].str()),
                std::string(c["holder"]["name"].str())};
    return e;
}

void write_changes(JsonOut& w, std::string_view key, const std::vector<FieldChange>& changes) {
    w.begin_array(key);
    for (const auto& c : changes) {
        w.begin_object();
        w.field("field", c.field).field("old", RawJson{c.old_json}).field("new", RawJson{c.new_json});
        w.end_object();
    }
    w.end_array();
}

void info(JsonOut& w, std::string_view key, const RegistryInfo& r) {
    w.begin_object(key);
    w.field("file", r.file).field("id", r.id).field("version", r.version).field("sha256", r.sha256).field("entries", static_cast<std::uint64_t>(r.entries));
    w.end_object();
}

}  // namespace

RegistryDiff diff_registries(const std::string& old_file, const std::string& new_file) {
    const Loaded a = load(old_file), b = load(new_file);
    RegistryDiff d;
    d.old_registry = a.info;
    d.new_registry = b.info;
    d.header = field_changes(a.doc.root()["registry"], b.doc.root()["registry"]);
    for (const auto& [id, c] : a.by_id)
        if (!b.by_id.count(id)) d.removed.push_back(entry(id, *c, ""));
    for (const auto& [id, c] : b.by_id) {
        const auto old = a.by_id.find(id);
        const bool withdrawn = status_of(*c) != "valid";
        if (old == a.by_id.end()) {
            (withdrawn ? d.revoked : d.added).push_back(entry(id, *c, ""));
            continue;
        }
        const std::string old_status = status_of(*old->second);
        const bool revoked = withdrawn && old_status != status_of(*c);
        if (revoked) d.revoked.push_back(entry(id, *c, old_status));
        DiffEntry changed = entry(id, *c, old_status);
        changed.changes = field_changes(*old->second, *c, revoked ? "status" : "");  // a revocation is reported once
        if (!changed.changes.empty()) d.changed.push_back(std::move(changed));
    }
    return d;
}

std::string diff_json(const RegistryDiff& d) {
    TextBuffer out;
    JsonOut w(out);
    w.begin_object();
    info(w, "old", d.old_registry);
    info(w, "new", d.new_registry);
    w.field("identical", d.empty());
    write_changes(w, "registry", d.header);
    w.begin_array("added");
    for (const auto& e : d.added) w.value(RawJson{e.json});
    w.end_array();
    w.begin_array("removed");
    for (const auto& e : d.removed) w.value(RawJson{e.json});
    w.end_array();
    w.begin_array("changed");
    for (const auto& e : d.changed) {
        w.begin_object();
        w.field("id", e.id);
        write_changes(w, "changes", e.changes);
        w.end_object();
    }
    w.end_array();
    w.begin_array("revoked");
    for (const auto& e : d.revoked) {
        w.begin_object();
        w.field("id", e.id).field("status", e.status);
        if (e.old_status.empty()) w.field("old_status", nullptr);
        else w.field("old_status", e.old_status);
        w.field("entry", RawJson{e.json});
        w.end_object();
    }
    w.end_array();
    w.end_object();
    out.append("\n");
    return out.str();
}

}  // namespace firstset::lists
