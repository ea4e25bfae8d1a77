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
    {
        std::map<std::string, std::string> before, after;
        flatten(a.doc.root()["registry"], "", before);
        flatten(b.doc.root()["registry"], "", after);
        for (const auto& [field, value] : after) {
            const auto it = before.find(field);
            if (it == before.end() || it->second != value) d.header.push_back({field, it == before.end() ? "null" : it->second, value});
        }
        for (const auto& [field, value] : before)
            if (!after.count(field)) d.header.push_back({field, value, "null"});
    }
    for (const auto& [id, c] : a.by_id)
        if (!b.by_id.count(id)) d.removed.push_back({id, c->to_json(), status_of(*c), {}, {}});
    for (const auto& [id, c] : b.by_id) {
        const auto old = a.by_id.find(id);
        const std::string status = status_of(*c);
        const bool withdrawn = status != "valid";
        if (old == a.by_id.end()) {
            if (withdrawn) d.revoked.push_back({id, c->to_json(), status, "", {}});
            else d.added.push_back({id, c->to_json(), status, {}, {}});
            continue;
        }
        const std::string old_status = status_of(*old->second);
        if (withdrawn && old_status != status) d.revoked.push_back({id, c->to_json(), status, old_status, {}});
        std::map<std::string, std::string> before, after;
        flatten(*old->second, "", before);
        flatten(*c, "", after);
        DiffEntry changed{id, c->to_json(), status, old_status, {}};
        for (const auto& [field, value] : after) {
            if (field == "status" && withdrawn && old_status != status) continue;  // reported as revoked
            const auto it = before.find(field);
            if (it == before.end()) changed.changes.push_back({field, "null", value});
            else if (it->second != value) changed.changes.push_back({field, it->second, value});
        }
        for (const auto& [field, value] : before)
            if (!after.count(field) && !(field == "status" && withdrawn)) changed.changes.push_back({field, value, "null"});
        std::sort(changed.changes.begin(), changed.changes.end(), [](const FieldChange& x, const FieldChange& y) { return x.field < y.field; });
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
    w.begin_array("registry");
    for (const auto& c : d.header) {
        w.begin_object();
        w.field("field", c.field).field("old", RawJson{c.old_json}).field("new", RawJson{c.new_json});
        w.end_object();
    }
    w.end_array();
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
        w.begin_array("changes");
        for (const auto& c : e.changes) {
            w.begin_object();
            w.field("field", c.field).field("old", RawJson{c.old_json}).field("new", RawJson{c.new_json});
            w.end_object();
        }
        w.end_array();
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
