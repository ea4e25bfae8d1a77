// Issue 5, "done when": two example hosts (firstset-host serve) on one machine share a registry
// served by nginx, follow a revocation without restarting, and ship their ledgers to the nginx
// archive through a collector outage with nothing lost or duplicated; a tampered or truncated
// archived ledger fails verification against its signed checkpoint.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>

#include <map>
#include <regex>

#include "engine.hpp"
#include "ledger/ship.hpp"
#include "nginx_support.hpp"
#include "registry_support.hpp"
#include "support.hpp"
#include "util/json_out.hpp"
#include "util/signing.hpp"

using nlohmann::json;

namespace {

// A child process with pipes to its standard input and output; answers are read line by line
// with a bounded wait.
class Child {
public:
    Child(const std::string& program, const std::vector<std::string>& args) {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            std::vector<char*> argv{const_cast<char*>(program.c_str())};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(program.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        to_ = in[1];
        from_ = out[0];
    }
    ~Child() {
        close_input();
        if (from_ >= 0) ::close(from_);
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    json ask(const json& request) {
        const std::string line = request.dump() + "\n";
        REQUIRE(::write(to_, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
        return json::parse(read_line());
    }
    void close_input() {
        if (to_ >= 0) ::close(to_);
        to_ = -1;
    }
    int wait() {  // after close_input: the host's last checkpoint and shipping pass, then exit
        int status = 0;
        for (int i = 0; i < 600; ++i) {  // up to 30 s
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return -2;
    }

private:
    std::string read_line() {
        for (;;) {
            const auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            pollfd p{from_, POLLIN, 0};
            if (::poll(&p, 1, 30000) <= 0) throw std::runtime_error("the host did not answer within 30 s");
            char buf[65536];
            const ssize_t n = ::read(from_, buf, sizeof buf);
            if (n <= 0) throw std::runtime_error("the host closed its output");
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    std::string buffer_;
};

std::string revoked(std::string r) {
    r.replace(r.find("version: \"2026-11-01\""), 21, "version: \"2026-11-22\"");
    r.replace(r.find("status: valid", r.find("id: CQ-STT-2024-0017")), 13, "status: revoked");
    return r;
}

bool b1_accepted(const json& response) {
    for (const auto& c : response.at("certificates"))
        if (c["id"] == "CQ-STT-2024-0017") return c["accepted"].get<bool>();
    throw std::runtime_error("no CQ-STT-2024-0017 in " + response.dump());
}

std::string archived(const std::filesystem::path& dir) {
    std::map<std::string, std::filesystem::path> objects;  // names sort by range: 20-digit numbers
    for (const auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().extension() == ".gz") objects[f.path().filename().string()] = f.path();
    std::string all;
    std::uint64_t next = 1;
    for (const auto& [name, path] : objects) {
        CHECK(std::stoull(name.substr(0, 20)) == next);  // contiguous: nothing lost or doubled
        next = std::stoull(name.substr(21, 20)) + 1;
        all += *firstset::ledger::gunzip(test::read_file(path));
    }
    return all;
}

json verify(const std::filesystem::path& ledger, const std::filesystem::path& checkpoint, const std::string& key) {
    firstset::TextBuffer out;
    firstset::verify_ledger(json{{"ledger", ledger.string()}, {"checkpoint", checkpoint.string()}, {"public_key", key}}.dump().c_str(), out);
    return json::parse(out.str());
}

}  // namespace

TEST_CASE("Fleet: two hosts follow one registry through a revocation and ship through a collector outage, nothing lost",
          "[net][fleet]") {
    test::TempDir dir;
    test::Publisher authority("registry.cq.example", "cq/registry.yaml");
    authority.publish(dir / "srv/www", test::read_file(test::source("examples/registry.yaml")));
    test::Nginx nginx(dir / "srv", true);
    const std::string request = test::read_file(test::source("tests/data/request-b1.json"));
    const json award = json::parse(test::read_file(test::source("tests/data/request-b1.json")));

    std::vector<std::unique_ptr<Child>> hosts;
    std::vector<firstset::SignerKey> node_keys;
    for (int n = 1; n <= 2; ++n) {
        const auto home = dir / ("node-" + std::to_string(n));
        node_keys.push_back(firstset::generate_signer_key("node-" + std::to_string(n) + ".firstset.example"));
        test::write_file(home / "node.key", node_keys.back().text() + "\n");
        test::write_file(home / "config.yaml",
                         "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + "]\n"
                         "registry:\n  url: " + nginx.url("cq/registry.yaml") + "\n"
                         "  public_key: " + authority.key.verifier().text() + "\n  refresh_seconds: 1\n"
                         "  ca_file: " + nginx.ca_file().string() + "\n"
                         "ledger:\n  path: var/ledger.jsonl\n  node: node-" + std::to_string(n) + "\n"
                         "  checkpoint: {key_file: node.key, interval_seconds: 1}\n"
                         "  ship: {url: " + nginx.url("archive") + ", ca_file: " + nginx.ca_file().string() +
                         ", interval_seconds: 0.1, batch_bytes: 8192,"
                         " backoff_min_seconds: 0.1, backoff_max_seconds: 1, timeout_seconds: 2}\n"
                         "log: {level: 'off'}\n");
        hosts.push_back(std::make_unique<Child>(FIRSTSET_HOST, std::vector<std::string>{
            "serve", "--config", (home / "config.yaml").string(), "--plugin", FIRSTSET_LIBRARY}));
    }
    for (auto& h : hosts) {
        const json r = h->ask({{"evaluate", json::parse(request)}});
        REQUIRE(r.contains("certificates"));
        CHECK(r["registry"]["version"] == "2026-11-01");
        CHECK(b1_accepted(r));
    }

    // The authority revokes CQ-STT-2024-0017; both hosts follow within a few refreshes, unrestarted.
    authority.publish(nginx.www(), revoked(test::read_file(test::source("examples/registry.yaml"))));
    for (auto& h : hosts) {
        bool followed = false;
        for (int i = 0; i < 200 && !followed; ++i) {  // up to 10 s
            const json r = h->ask({{"evaluate", json::parse(request)}});
            followed = r["registry"]["version"] == "2026-11-22" && !b1_accepted(r);
            if (!followed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(followed);
    }

    // The collector goes down for a while; the hosts keep evaluating and their records wait in the ledger.
    nginx.stop();
    for (int i = 0; i < 30; ++i)
        for (auto& h : hosts) CHECK(h->ask({{"evaluate", json::parse(request)}}).contains("criteria"));
    for (auto& h : hosts) {
        json s = h->ask({{"status", json::object()}});
        CHECK(s["ledger"]["shipping"]["pending_records"].get<int>() >= 30);
        // Both the shipper and the registry refresh meet the outage, and say so.
        for (int i = 0; i < 200; ++i) {  // up to 10 s
            s = h->ask({{"status", json::object()}});
            if (s["ledger"]["shipping"]["failures"].get<int>() > 0 && s["registry"]["source"]["failures"].get<int>() > 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(s["ledger"]["shipping"]["failures"].get<int>() > 0);
        CHECK(s["registry"]["source"]["failures"].get<int>() > 0);
        CHECK(s["registry"]["version"] == "2026-11-22");  // the registry in force stays
    }
    nginx.start();
    for (auto& h : hosts) {
        bool drained = false;
        for (int i = 0; i < 300 && !drained; ++i) {  // up to 15 s
            drained = h->ask({{"status", json::object()}})["ledger"]["shipping"]["pending_records"] == 0;
            if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(drained);
    }
    for (auto& h : hosts) {
        h->close_input();
        CHECK(h->wait() == 0);
    }

    for (int n = 1; n <= 2; ++n) {
        const std::string node = "node-" + std::to_string(n);
        const auto ledger = dir / node / "var/ledger.jsonl";
        const std::string archive = archived(nginx.www() / "archive" / node);
        CHECK(archive == test::read_file(ledger));  // every record, once, in order
        const auto checkpoint = nginx.www() / "archive" / node / "checkpoint";
        test::write_file(dir / (node + "-copy.jsonl"), archive);
        CHECK(verify(dir / (node + "-copy.jsonl"), checkpoint, node_keys[n - 1].verifier().text())["ok"] == true);

        std::string cut = archive.substr(0, archive.rfind('\n', archive.size() - 2) + 1);
        test::write_file(dir / (node + "-cut.jsonl"), cut);
        const json v = verify(dir / (node + "-cut.jsonl"), checkpoint, node_keys[n - 1].verifier().text());
        CHECK(v["ok"] == false);
        CHECK(v["problems"][0]["code"] == "TRUNCATED");

        std::string tampered = archive;
        tampered[tampered.find("\"evaluation_date\":\"2026") + 19] = '1';
        test::write_file(dir / (node + "-tampered.jsonl"), tampered);
        CHECK(verify(dir / (node + "-tampered.jsonl"), checkpoint, node_keys[n - 1].verifier().text())["ok"] == false);
    }
}
