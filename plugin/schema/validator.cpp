#include "schema/validator.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>

#include "util/civil_date.hpp"
#include "util/error.hpp"
#include "util/regex.hpp"

namespace firstset::schema {

namespace {

enum : std::uint8_t {
    t_null = 1,
    t_boolean = 2,
    t_object = 4,
    t_array = 8,
    t_number = 16,
    t_integer = 32,
    t_string = 64,
};

struct XError {
    std::string code, en, zh;
};

enum class Format { none, date, date_time };

// A cheap hash of a member name for the property slots: its length and three of its bytes.
inline unsigned name_hash(std::string_view name) {
    if (name.empty()) return 0;
    const auto at = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(name[i])); };
    return static_cast<unsigned>(name.size()) * 37u + at(0) * 131u + at(name.size() - 1) * 17u + at(name.size() / 2) * 7u;
}

}  // namespace

struct Node {
    bool always_false = false;
    const Node* ref = nullptr;  // draft 7: a $ref replaces every sibling keyword
    std::uint8_t types = 0;     // 0: any type

    struct Property {
        std::string name;
        const Node* schema;
    };
    std::vector<Property> properties;
    // Property lookup in one probe: slot[name_hash & 63] is the index of the only property
    // whose name hashes there (-1: none). Used when no two names share a slot.
    std::array<std::int8_t, 64> slot{};
    bool slots_usable = false;
    std::vector<std::string> required;
    // For each required name: its index in properties, or -1 when properties does not list it.
    std::vector<int> required_index;
    bool additional_forbidden = false;
    const Node* additional = nullptr;
    std::optional<std::size_t> min_properties, max_properties;
    bool object_keywords = false;

    const Node* items = nullptr;
    std::optional<std::size_t> min_items, max_items;
    bool unique_items = false;

    std::optional<std::size_t> min_length, max_length;
    std::unique_ptr<Regex> pattern;  // ECMAScript's "$": Regex::dollar_end_only
    std::string pattern_source;
    Format format = Format::none;

    std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;

    std::vector<const json::Value*> enum_values;  // point into the kept schema documents
    const json::Value* const_value = nullptr;
    std::vector<const Node*> all_of, any_of, one_of;
    const Node* not_schema = nullptr;
    const Node* if_schema = nullptr;
    const Node* then_schema = nullptr;
    const Node* else_schema = nullptr;

    std::optional<XError> x_error;
};

namespace {

const char* const supported_keywords[] = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties",
    "maxProperties", "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength",
    "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "allOf",
    "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "definitions", "$defs",
    // annotations
    "$schema", "$id", "$comment", "title", "description", "default", "examples", "readOnly",
    "writeOnly", "x-error"};

bool keyword_supported(std::string_view k) {
    for (const char* s : supported_keywords)
        if (k == s) return true;
    return k.size() > 2 && k.substr(0, 2) == "x-";  // other x- annotations carry no check
}

[[noreturn]] void schema_error(const std::string& code, const std::string& file, const std::string& pointer,
                               const std::string& what) {
    throw StatusError(Status::internal, code, "schema " + file + "#" + pointer + ": " + what,
                "模式 " + file + "#" + pointer + "：" + what, Location{pointer, file, 0, 0});
}

std::string percent_decode(std::string_view s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

// Resolves a JSON Pointer (already percent-decoded) inside a value; nullptr if absent.
const json::Value* resolve_pointer(const json::Value& root, std::string_view pointer) {
    const json::Value* v = &root;
    std::size_t pos = 0;
    while (pos < pointer.size()) {
        if (pointer[pos] != '/') return nullptr;
        std::size_t end = pointer.find('/', pos + 1);
        if (end == std::string_view::npos) end = pointer.size();
        std::string token;
        for (std::size_t i = pos + 1; i < end; ++i) {
            if (pointer[i] == '~' && i + 1 < end && pointer[i + 1] == '0') { token.push_back('~'); ++i; }
            else if (pointer[i] == '~' && i + 1 < end && pointer[i + 1] == '1') { token.push_back('/'); ++i; }
            else token.push_back(pointer[i]);
        }
        if (v->is_object()) {
            v = v->find(token);
            if (!v) return nullptr;
        } else if (v->is_array()) {
            if (token.empty() || token.size() > 9 || token.find_first_not_of("0123456789") != std::string::npos)
                return nullptr;
            auto index = std::stoul(token);
            if (index >= v->size()) return nullptr;
            v = &v->items()[index];
        } else {
            return nullptr;
        }
        pos = end;
    }
    return v;
}

std::string stringify(const json::Value& v) { return v.to_json(); }

// An integer is a number written as one: 10.0 and 1e1 are not (json.hpp). Draft 7 counts a
// float with a zero fraction as an integer; firstset does not, so that a count or a sequence
// number means what its text says.
std::uint8_t type_of(const json::Value& v) {
    switch (v.type()) {
        case json::Type::null: return t_null;
        case json::Type::boolean: return t_boolean;
        case json::Type::object: return t_object;
        case json::Type::array: return t_array;
        case json::Type::string: return t_string;
        case json::Type::number:
            return static_cast<std::uint8_t>(v.is_integer() ? t_number | t_integer : static_cast<int>(t_number));
    }
    return 0;
}

struct TypeName {
    std::uint8_t bit;
    const char* en;
    const char* zh;
};
constexpr TypeName type_names[] = {
    {t_null, "null", "空值"},       {t_boolean, "boolean", "布尔值"}, {t_object, "object", "对象"},
    {t_array, "array", "数组"},     {t_integer, "integer", "整数"},   {t_number, "number", "数值"},
    {t_string, "string", "字符串"},
};

std::pair<std::string, std::string> describe_types(std::uint8_t bits) {
    std::string en, zh;
    for (const auto& t : type_names) {
        if (!(bits & t.bit)) continue;
        if (t.bit == t_integer && (bits & t_number)) continue;  // "number" already says it
        if (!en.empty()) { en += " or "; zh += "或"; }
        en += t.en;
        zh += t.zh;
    }
    return {en, zh};
}


std::string number_text(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return buf;
}


// RFC 3339 date-time, draft 7 "date-time": as china_date_of() accepts, and a leap second only
// at 23:59:60 UTC.
bool valid_date_time(std::string_view s) {
    if (!china_date_of(s)) return false;
    if (s.size() >= 19 && s.substr(17, 2) == "60") {
        int hh = (s[11] - '0') * 10 + (s[12] - '0');
        int mm = (s[14] - '0') * 10 + (s[15] - '0');
        int offset = 0;
        std::size_t pos = 19;
        if (pos < s.size() && s[pos] == '.')
            for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9';) ++pos;
        if (s[pos] == '+' || s[pos] == '-') {
            int oh = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
            int om = (s[pos + 4] - '0') * 10 + (s[pos + 5] - '0');
            offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        }
        int utc = ((hh * 60 + mm - offset) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59) return false;
    }
    return true;
}

}  // namespace

struct Schemas::Impl {
    std::vector<json::Document> documents;
    std::map<std::string, const json::Value*, std::less<>> by_name;
    std::unordered_map<std::string, Node*> compiled;  // "file#pointer"
    std::deque<Node> nodes;
    std::map<std::string, const Node*, std::less<>> roots;

    const Node* compile(const std::string& file, const std::string& pointer, const json::Value& v);
    const Node* compile_ref(const std::string& file, const std::string& pointer, std::string_view ref);
};

const Node* Schemas::Impl::compile_ref(const std::string& file, const std::string& pointer, std::string_view ref) {
    auto hash = ref.find('#');
    std::string target_file(ref.substr(0, hash));
    std::string fragment = hash == std::string_view::npos ? "" : percent_decode(ref.substr(hash + 1));
    if (target_file.empty()) target_file = file;
    auto it = by_name.find(target_file);
    if (it == by_name.end())
        schema_error("SCHEMA_INVALID", file, pointer, "$ref names an unknown schema document: " + std::string(ref));
    const json::Value* target = resolve_pointer(*it->second, fragment);
    if (!target)
        schema_error("SCHEMA_INVALID", file, pointer, "$ref points nowhere: " + std::string(ref));
    return compile(target_file, fragment, *target);
}

const Node* Schemas::Impl::compile(const std::string& file, const std::string& pointer, const json::Value& v) {
    const std::string key = file + "#" + pointer;
    if (auto it = compiled.find(key); it != compiled.end()) return it->second;
    Node& node = nodes.emplace_back();
    compiled.emplace(key, &node);

    if (v.is_bool()) {
        node.always_false = !v.boolean();
        return &node;
    }
    if (!v.is_object()) schema_error("SCHEMA_INVALID", file, pointer, "a schema must be an object or a boolean");

    auto sub = [&](const char* keyword, const json::Value& s) {
        std::string p = pointer;
        append_pointer_token(p, keyword);
        return compile(file, p, s);
    };
    auto sub_at = [&](const char* keyword, std::string_view name, const json::Value& s) {
        std::string p = pointer;
        append_pointer_token(p, keyword);
        append_pointer_token(p, name);
        return compile(file, p, s);
    };
    auto sub_index = [&](const char* keyword, std::size_t i, const json::Value& s) {
        std::string p = pointer;
        append_pointer_token(p, keyword);
        append_pointer_token(p, i);
        return compile(file, p, s);
    };
    auto bad = [&](const std::string& what) { schema_error("SCHEMA_INVALID", file, pointer, what); };
    auto count = [&](const json::Value& x, const char* k) -> std::size_t {
        if (!x.is_integer() || x.literal()[0] == '-') bad(std::string(k) + " must be a non-negative integer");
        return static_cast<std::size_t>(x.uint64());
    };
    auto number = [&](const json::Value& x, const char* k) -> double {
        if (!x.is_number()) bad(std::string(k) + " must be a number");
        return x.number();
    };
    auto schema_list = [&](const json::Value& x, const char* k, std::vector<const Node*>& out) {
        if (!x.is_array() || x.size() == 0) bad(std::string(k) + " must be a non-empty array of schemas");
        for (std::size_t i = 0; i < x.size(); ++i) out.push_back(sub_index(k, i, x[i]));
    };

    for (const json::Member& m : v.members())
        if (!keyword_supported(m.name()))
            schema_error("SCHEMA_UNSUPPORTED", file, pointer,
                         "keyword \"" + std::string(m.name()) + "\" is not supported by this validator");

    if (const json::Value* ref = v.find("$ref")) {
        if (!ref->is_string()) bad("$ref must be a string");
        node.ref = compile_ref(file, pointer, ref->str());
        return &node;
    }
    if (const json::Value* x = v.find("x-error")) {
        const json::Value *c = x->find("code"), *en = x->find("en"), *zh = x->find("zh");
        if (!c || !en || !zh || !c->is_string() || !en->is_string() || !zh->is_string())
            bad("x-error needs string members code, en and zh");
        node.x_error = XError{std::string(c->str()), std::string(en->str()), std::string(zh->str())};
    }
    if (const json::Value* x = v.find("type")) {
        auto add = [&](const json::Value& t) {
            if (!t.is_string()) bad("type must be a string or an array of strings");
            auto s = t.str();
            bool found = false;
            for (const auto& tn : type_names)
                if (s == tn.en) { node.types |= tn.bit; found = true; }
            if (!found) bad("unknown type " + std::string(s));
        };
        if (x->is_array()) for (const auto& t : x->items()) add(t);
        else add(*x);
        if (node.types & t_number) node.types |= t_integer;
    }
    if (const json::Value* x = v.find("enum")) {
        if (!x->is_array() || x->size() == 0) bad("enum must be a non-empty array");
        for (const auto& e : x->items()) node.enum_values.push_back(&e);
    }
    if (const json::Value* x = v.find("const")) node.const_value = x;
    if (const json::Value* x = v.find("properties")) {
        if (!x->is_object()) bad("properties must be an object");
        for (const json::Member& p : x->members())
            node.properties.push_back({std::string(p.name()), sub_at("properties", p.name(), p.value)});
        node.object_keywords = true;
    }
    if (const json::Value* x = v.find("required")) {
        if (!x->is_array()) bad("required must be an array of strings");
        for (const auto& r : x->items()) {
            if (!r.is_string()) bad("required must be an array of strings");
            node.required.emplace_back(r.str());
        }
        node.object_keywords = true;
    }
    if (const json::Value* x = v.find("additionalProperties")) {
        if (x->is_bool() && !x->boolean()) node.additional_forbidden = true;
        else if (!x->is_bool()) node.additional = sub("additionalProperties", *x);
        node.object_keywords = true;
    }
    if (const json::Value* x = v.find("minProperties")) node.min_properties = count(*x, "minProperties");
    if (const json::Value* x = v.find("maxProperties")) node.max_properties = count(*x, "maxProperties");
    if (const json::Value* x = v.find("items")) {
        if (x->is_array()) schema_error("SCHEMA_UNSUPPORTED", file, pointer, "items as an array (tuple form) is not supported");
        node.items = sub("items", *x);
    }
    if (const json::Value* x = v.find("minItems")) node.min_items = count(*x, "minItems");
    if (const json::Value* x = v.find("maxItems")) node.max_items = count(*x, "maxItems");
    if (const json::Value* x = v.find("uniqueItems")) {
        if (!x->is_bool()) bad("uniqueItems must be a boolean");
        node.unique_items = x->boolean();
    }
    if (const json::Value* x = v.find("minLength")) node.min_length = count(*x, "minLength");
    if (const json::Value* x = v.find("maxLength")) node.max_length = count(*x, "maxLength");
    if (const json::Value* x = v.find("pattern")) {
        if (!x->is_string()) bad("pattern must be a string");
        node.pattern_source = std::string(x->str());
        try {
            node.pattern = std::make_unique<Regex>(node.pattern_source, Regex::dollar_end_only);
        } catch (const std::invalid_argument& e) {
            bad("pattern does not compile: " + std::string(e.what()));
        }
    }
    if (const json::Value* x = v.find("format")) {
        if (!x->is_string()) bad("format must be a string");
        auto f = x->str();
        if (f == "date") node.format = Format::date;
        else if (f == "date-time") node.format = Format::date_time;
        else schema_error("SCHEMA_UNSUPPORTED", file, pointer, "format \"" + std::string(f) + "\" is not supported");
    }
    if (const json::Value* x = v.find("minimum")) node.minimum = number(*x, "minimum");
    if (const json::Value* x = v.find("maximum")) node.maximum = number(*x, "maximum");
    if (const json::Value* x = v.find("exclusiveMinimum")) node.exclusive_minimum = number(*x, "exclusiveMinimum");
    if (const json::Value* x = v.find("exclusiveMaximum")) node.exclusive_maximum = number(*x, "exclusiveMaximum");
    if (const json::Value* x = v.find("allOf")) schema_list(*x, "allOf", node.all_of);
    if (const json::Value* x = v.find("anyOf")) schema_list(*x, "anyOf", node.any_of);
    if (const json::Value* x = v.find("oneOf")) schema_list(*x, "oneOf", node.one_of);
    if (const json::Value* x = v.find("not")) node.not_schema = sub("not", *x);
    if (const json::Value* x = v.find("if")) {
        node.if_schema = sub("if", *x);
        if (const json::Value* t = v.find("then")) node.then_schema = sub("then", *t);
        if (const json::Value* e = v.find("else")) node.else_schema = sub("else", *e);
    }
    node.slot.fill(-1);
    node.slots_usable = node.properties.size() <= 64;
    for (std::size_t j = 0; j < node.properties.size() && node.slots_usable; ++j) {
        auto& slot = node.slot[name_hash(node.properties[j].name) & 63];
        if (slot >= 0) node.slots_usable = false;  // two names in one slot: search instead
        slot = static_cast<std::int8_t>(j);
    }
    for (const auto& r : node.required) {
        int index = -1;
        for (std::size_t i = 0; i < node.properties.size(); ++i)
            if (node.properties[i].name == r) index = static_cast<int>(i);
        node.required_index.push_back(index);
    }
    return &node;
}

namespace {

// ---- the instance ----------------------------------------------------------------------

// JSON equality (numbers by value, objects regardless of member order).
bool same(const json::Value& a, const json::Value& b) {
    if (a.is_number() && b.is_number()) return a.number() == b.number();
    if (a.type() != b.type()) return false;
    switch (a.type()) {
        case json::Type::boolean: return a.boolean() == b.boolean();
        case json::Type::string: return a.str() == b.str();
        case json::Type::array: {
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!same(a[i], b[i])) return false;
            return true;
        }
        case json::Type::object: {
            if (a.size() != b.size()) return false;
            for (const json::Member& m : a.members()) {
                const json::Value* other = b.find(m.name());
                if (!other || !same(m.value, *other)) return false;
            }
            return true;
        }
        default: return true;  // null
    }
}

std::pair<std::string, std::string> describe_instance_type(const json::Value& v) {
    std::uint8_t t = type_of(v);
    if (t & t_integer) t = t_integer;
    return describe_types(t);
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

// Index of the declared property with this name; -1 when none is.
int property_index(const Node& n, std::string_view name) {
    if (n.slots_usable) {
        const int j = n.slot[name_hash(name) & 63];
        if (j < 0) return -1;
        return n.properties[static_cast<std::size_t>(j)].name == name ? j : -1;
    }
    for (std::size_t j = 0; j < n.properties.size(); ++j)
        if (n.properties[j].name == name) return static_cast<int>(j);
    return -1;
}

// One validation run over an instance. Valid documents cost no path-keeping at all:
// when a violation is reported, each level it passes on the way back up adds its reference
// token, and the JSON Pointer is assembled from them at the end.
class Run {
public:
    explicit Run(Violation* out) : out_(out) {}

    bool check(const Node& n, const json::Value& v);

    // The reported violation's JSON Pointer.
    std::string pointer() const {
        std::string p;
        for (auto t = unwound_.rbegin(); t != unwound_.rend(); ++t) {
            if (t->name) append_pointer_token(p, std::string_view(t->name, t->size));
            else append_pointer_token(p, t->size);
        }
        return p;
    }

private:
    struct Token {
        const char* name;
        std::size_t size;  // name length; or the index when name is nullptr
    };

    // A child failed: if that failure is the reported one, note the level it passed.
    bool passed_up(const char* name, std::size_t size) {
        if (reported_) unwound_.push_back({name, size});
        return false;
    }

    // Reports the first violation; callers write `out_ ? fail(...) : false` so that the
    // messages of a failing probe (anyOf, if, ...) are never even built.
    bool fail(const Node& n, const char* keyword, const char* code, std::string en, std::string zh,
              const char* extra_name = nullptr, std::size_t extra_size = 0) {
        if (!out_) return false;
        if (extra_name) unwound_.push_back({extra_name, extra_size});
        reported_ = true;
        out_->keyword = keyword;
        if (n.x_error) {
            out_->code = n.x_error->code;
            out_->message_en = n.x_error->en;
            out_->message_zh = n.x_error->zh;
        } else {
            out_->code = code;
            out_->message_en = std::move(en);
            out_->message_zh = std::move(zh);
        }
        out_ = nullptr;  // the first violation is the one reported
        return false;
    }
    bool check_object(const Node& n, const json::Value& v);
    bool check_array(const Node& n, const json::Value& v);
    bool check_string(const Node& n, const json::Value& v);
    bool check_number(const Node& n, const json::Value& v);
    bool check_combinators(const Node& n, const json::Value& v);
    bool probe(const Node& n, const json::Value& v) {
        Violation* saved = out_;
        out_ = nullptr;
        bool ok = check(n, v);
        out_ = saved;
        return ok;
    }

    Violation* out_;
    bool reported_ = false;
    std::vector<Token> unwound_;  // deepest first
};

bool Run::check(const Node& n, const json::Value& v) {
    if (n.ref) return check(*n.ref, v);
    if (n.always_false)
        return out_ ? fail(n, "false", "SCHEMA_NOT_ALLOWED", "no value is allowed here", "此处不允许出现任何值") : false;
    const std::uint8_t t = type_of(v);
    if (n.types && !(n.types & t)) {
        if (!out_) return false;
        auto [want_en, want_zh] = describe_types(n.types);
        auto [got_en, got_zh] = describe_instance_type(v);
        return fail(n, "type", "SCHEMA_TYPE", "expected " + want_en + ", found " + got_en,
                    "应为" + want_zh + "，实际为" + got_zh);
    }
    if (n.const_value && !same(*n.const_value, v))
        return out_ ? fail(n, "const", "SCHEMA_CONST", "must be " + stringify(*n.const_value),
                           "必须为 " + stringify(*n.const_value))
                    : false;
    if (!n.enum_values.empty()) {
        bool found = false;
        for (const json::Value* e : n.enum_values)
            if (same(*e, v)) {
                found = true;
                break;
            }
        if (!found) {
            if (!out_) return false;
            std::string list;
            for (const json::Value* e : n.enum_values) list += (list.empty() ? "" : ", ") + stringify(*e);
            return fail(n, "enum", "SCHEMA_ENUM", "must be one of " + list + "; found " + stringify(v),
                        "必须是以下之一：" + list + "；实际为 " + stringify(v));
        }
    }
    bool ok = true;
    if (t == t_object) ok = check_object(n, v);
    else if (t == t_array) ok = check_array(n, v);
    else if (t == t_string) ok = check_string(n, v);
    else if (t & t_number) ok = check_number(n, v);
    return ok && check_combinators(n, v);
}

bool Run::check_object(const Node& n, const json::Value& v) {
    if (n.min_properties || n.max_properties) {
        const std::size_t count = v.size();
        if (n.min_properties && count < *n.min_properties)
            return out_ ? fail(n, "minProperties", "SCHEMA_SIZE",
                               "needs at least " + std::to_string(*n.min_properties) + " members",
                               "至少需要 " + std::to_string(*n.min_properties) + " 项")
                        : false;
        if (n.max_properties && count > *n.max_properties)
            return out_ ? fail(n, "maxProperties", "SCHEMA_SIZE",
                               "allows at most " + std::to_string(*n.max_properties) + " members",
                               "最多允许 " + std::to_string(*n.max_properties) + " 项")
                        : false;
    }
    if (!n.object_keywords) return true;

    // First pass, without descending: which declared property each member is, and members
    // that are not allowed. (A name given twice never gets here: the reader refuses it.)
    const bool use_mask = n.properties.size() <= 64;
    const json::Span<json::Member> members = v.members();
    constexpr std::size_t remembered = 64;  // members whose property index is kept for pass two
    std::int8_t index_of[remembered];
    std::uint64_t seen = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
        const std::string_view name = members[k].name();
        const int index = property_index(n, name);
        if (k < remembered) index_of[k] = static_cast<std::int8_t>(use_mask ? index : -2);
        if (index >= 0 && use_mask) seen |= std::uint64_t{1} << index;
        if (index < 0 && n.additional_forbidden) {
            if (!out_) return false;
            std::string allowed;
            for (const auto& p : n.properties) allowed += (allowed.empty() ? "" : ", ") + p.name;
            return fail(n, "additionalProperties", "SCHEMA_UNKNOWN_MEMBER",
                        "member \"" + std::string(name) + "\" is not allowed here (allowed: " + allowed + ")",
                        "此处不允许出现 \"" + std::string(name) + "\"（允许：" + allowed + "）", name.data(), name.size());
        }
    }
    for (std::size_t r = 0; r < n.required.size(); ++r) {
        const int index = n.required_index[r];
        const bool present = index >= 0 && use_mask ? (seen >> index) & 1 : v.find(n.required[r]) != nullptr;
        if (!present) {
            const std::string& name = n.required[r];
            return out_ ? fail(n, "required", "SCHEMA_REQUIRED", "required member \"" + name + "\" is missing",
                               "缺少必填项 \"" + name + "\"", name.data(), name.size())
                        : false;
        }
    }

    // Second pass: each member against its schema, in document order.
    if (n.properties.empty() && !n.additional) return true;
    for (std::size_t k = 0; k < members.size(); ++k) {
        const std::string_view name = members[k].name();
        int index = k < remembered ? index_of[k] : -2;
        if (index == -2) index = property_index(n, name);
        const Node* s = index >= 0 ? n.properties[static_cast<std::size_t>(index)].schema : n.additional;
        if (s && !check(*s, members[k].value)) return passed_up(name.data(), name.size());
    }
    return true;
}

bool Run::check_array(const Node& n, const json::Value& v) {
    if (n.min_items || n.max_items) {
        const std::size_t size = v.size();
        if (n.min_items && size < *n.min_items)
            return out_ ? fail(n, "minItems", "SCHEMA_SIZE", "needs at least " + std::to_string(*n.min_items) + " entries",
                               "至少需要 " + std::to_string(*n.min_items) + " 项")
                        : false;
        if (n.max_items && size > *n.max_items)
            return out_ ? fail(n, "maxItems", "SCHEMA_SIZE", "allows at most " + std::to_string(*n.max_items) + " entries",
                               "最多允许 " + std::to_string(*n.max_items) + " 项")
                        : false;
    }
    if (n.unique_items) {
        std::size_t first = 0, second = 0;
        bool unique = true;
        const json::Span<json::Value> items = v.items();
        for (std::size_t i = 0; i < items.size() && unique; ++i)
            for (std::size_t j = i + 1; j < items.size() && unique; ++j)
                if (same(items[i], items[j])) {
                    first = i;
                    second = j;
                    unique = false;
                }
        if (!unique)
            return out_ ? fail(n, "uniqueItems", "SCHEMA_UNIQUE",
                               "entries " + std::to_string(first) + " and " + std::to_string(second) + " are the same",
                               "第 " + std::to_string(first) + " 项与第 " + std::to_string(second) + " 项重复")
                        : false;
    }
    if (!n.items) return true;
    const json::Span<json::Value> items = v.items();
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!check(*n.items, items[i])) return passed_up(nullptr, i);
    return true;
}

bool Run::check_string(const Node& n, const json::Value& v) {
    const std::string_view s = v.str();
    // Byte length bounds code points (1 to 4 bytes each): count only when it does not decide.
    const bool length_decided =
        (!n.min_length || s.size() / 4 >= *n.min_length) && (!n.max_length || s.size() <= *n.max_length);
    if ((n.min_length || n.max_length) && !length_decided) {
        const std::size_t len = code_points(s);
        if (n.min_length && len < *n.min_length)
            return out_ ? fail(n, "minLength", "SCHEMA_LENGTH",
                               "must have at least " + std::to_string(*n.min_length) + " characters",
                               "至少需要 " + std::to_string(*n.min_length) + " 个字符")
                        : false;
        if (n.max_length && len > *n.max_length)
            return out_ ? fail(n, "maxLength", "SCHEMA_LENGTH",
                               "must have at most " + std::to_string(*n.max_length) + " characters",
                               "最多允许 " + std::to_string(*n.max_length) + " 个字符")
                        : false;
    }
    if (n.pattern && !n.pattern->search(std::string_view(s.data(), s.size())))
        return out_ ? fail(n, "pattern", "SCHEMA_PATTERN",
                           "\"" + std::string(s) + "\" does not match the pattern " + n.pattern_source,
                           "\"" + std::string(s) + "\" 不符合格式 " + n.pattern_source)
                    : false;
    if (n.format == Format::date && !Date::parse(s))
        return out_ ? fail(n, "format", "SCHEMA_FORMAT", "\"" + std::string(s) + "\" is not a calendar date YYYY-MM-DD",
                           "\"" + std::string(s) + "\" 不是有效的日期（YYYY-MM-DD）")
                    : false;
    if (n.format == Format::date_time && !valid_date_time(s))
        return out_ ? fail(n, "format", "SCHEMA_FORMAT",
                           "\"" + std::string(s) +
                               "\" is not an RFC 3339 date-time with an offset, such as 2026-03-16T09:30:00+08:00",
                           "\"" + std::string(s) + "\" 不是带时区偏移的 RFC 3339 时间，例如 2026-03-16T09:30:00+08:00")
                    : false;
    return true;
}

bool Run::check_number(const Node& n, const json::Value& v) {
    if (!n.minimum && !n.maximum && !n.exclusive_minimum && !n.exclusive_maximum) return true;
    const double d = v.number();
    if (n.minimum && d < *n.minimum)
        return out_ ? fail(n, "minimum", "SCHEMA_RANGE", "must be at least " + number_text(*n.minimum),
                           "不得小于 " + number_text(*n.minimum))
                    : false;
    if (n.maximum && d > *n.maximum)
        return out_ ? fail(n, "maximum", "SCHEMA_RANGE", "must be at most " + number_text(*n.maximum),
                           "不得大于 " + number_text(*n.maximum))
                    : false;
    if (n.exclusive_minimum && d <= *n.exclusive_minimum)
        return out_ ? fail(n, "exclusiveMinimum", "SCHEMA_RANGE", "must be greater than " + number_text(*n.exclusive_minimum),
                           "必须大于 " + number_text(*n.exclusive_minimum))
                    : false;
    if (n.exclusive_maximum && d >= *n.exclusive_maximum)
        return out_ ? fail(n, "exclusiveMaximum", "SCHEMA_RANGE", "must be less than " + number_text(*n.exclusive_maximum),
                           "必须小于 " + number_text(*n.exclusive_maximum))
                    : false;
    return true;
}

bool Run::check_combinators(const Node& n, const json::Value& v) {
    for (const Node* s : n.all_of)
        if (!check(*s, v)) return false;
    if (!n.any_of.empty()) {
        bool any = false;
        for (const Node* s : n.any_of)
            if (probe(*s, v)) {
                any = true;
                break;
            }
        if (!any)
            return out_ ? fail(n, "anyOf", "SCHEMA_FORM", "matches none of the allowed forms", "不符合任何一种允许的形式")
                        : false;
    }
    if (!n.one_of.empty()) {
        int matches = 0;
        for (const Node* s : n.one_of)
            if (probe(*s, v) && ++matches > 1) break;
        if (matches != 1)
            return out_ ? fail(n, "oneOf", "SCHEMA_FORM",
                               matches == 0 ? "matches none of the allowed forms" : "matches more than one of the exclusive forms",
                               matches == 0 ? "不符合任何一种允许的形式" : "同时符合多种互斥的形式")
                        : false;
    }
    if (n.not_schema && probe(*n.not_schema, v))
        return out_ ? fail(n, "not", "SCHEMA_FORM", "has a form that is not allowed here", "此处不允许这种形式") : false;
    if (n.if_schema) {
        if (probe(*n.if_schema, v)) {
            if (n.then_schema && !check(*n.then_schema, v)) return false;
        } else if (n.else_schema && !check(*n.else_schema, v)) {
            return false;
        }
    }
    return true;
}

}  // namespace

Schemas::Schemas(const std::vector<std::pair<std::string, std::string>>& documents) : impl_(std::make_unique<Impl>()) {
    impl_->documents.reserve(documents.size());
    for (const auto& [name, text] : documents) {
        try {
            impl_->documents.push_back(json::Document::parse(text, json::Limits{std::size_t{16} << 20, 64}, name));
        } catch (const StatusError& e) {
            schema_error("SCHEMA_INVALID", name, "", e.message_en());
        }
        impl_->by_name.emplace(name, &impl_->documents.back().root());
    }
    for (const auto& [name, text] : documents) {
        (void)text;
        impl_->roots.emplace(name, impl_->compile(name, "", *impl_->by_name.find(name)->second));
    }
}

Schemas::~Schemas() = default;

bool Schemas::has(std::string_view name) const { return impl_->roots.find(name) != impl_->roots.end(); }

const Node& Schemas::root(std::string_view name) const {
    auto it = impl_->roots.find(name);
    if (it == impl_->roots.end())
        throw StatusError(Status::internal, "SCHEMA_MISSING", "no compiled schema named " + std::string(name),
                    "没有名为 " + std::string(name) + " 的模式");
    return *it->second;
}

std::optional<Violation> Schemas::validate(std::string_view name, const json::Value& instance) const {
    Violation v;
    Run run(&v);
    if (run.check(root(name), instance)) return std::nullopt;
    v.path = run.pointer();
    return v;
}

std::optional<Violation> Schemas::validate_at(std::string_view name, std::string_view pointer, const json::Value& instance) const {
    const std::string key = std::string(name) + "#" + std::string(pointer);
    const auto it = impl_->compiled.find(key);
    if (it == impl_->compiled.end())
        throw StatusError(Status::internal, "SCHEMA_MISSING", "no compiled schema part " + key, "没有已编译的模式部分 " + key);
    Violation v;
    Run run(&v);
    if (run.check(*it->second, instance)) return std::nullopt;
    v.path = run.pointer();
    return v;
}

}  // namespace firstset::schema
