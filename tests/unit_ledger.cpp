// The decision log: tamper evidence, durability and its failure modes (issue 3, docs/contract.md sections 7-8).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <sys/stat.h>

#include <chrono>

#include "engine.hpp"
#include "ledger/format.hpp"
#include "ledger/ledger.hpp"
#include "util/file_io.hpp"
#include "util/json_out.hpp"
#include "support.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

using namespace firstset;
using namespace firstset::ledger;

namespace {

std::string body(int n) { return "{\"n\":" + std::to_string(n) + ",\"text\":\"记录 " + std::to_string(n) + "\"}"; }

// A small ledger: genesis and five records; returns its head.
Head small_ledger(const std::filesystem::path& file) {
    auto l = Ledger::open(file);
    for (int i = 1; i <= 5; ++i) l->append("award", body(i));
    return l->head();
}

std::vector<std::string> lines_of(const std::string& bytes) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        auto end = bytes.find('\n', pos);
        lines.push_back(bytes.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

// A storage that counts syncs and can be told to fail.
struct Faults {
    std::atomic<int> appends{0}, syncs{0};
    int fail_append_at = -1, fail_sync_at = -1;  // 1-based call to fail; -1 never
};

class FaultyStorage : public Storage {
public:
    FaultyStorage(int fd, Faults& faults) : fd_(fd), faults_(faults) {}
    void append(std::string_view bytes) override {
        const int n = ++faults_.appends;
        if (n == faults_.fail_append_at) {
            // Half the batch reaches the file, as a full disk would leave it.
            (void)!::write(fd_, bytes.data(), bytes.size() / 2);
            throw StatusError(Status::io, "LEDGER_WRITE_FAILED", "injected: no space left on device", "注入故障：磁盘已满");
        }
        if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) std::abort();
    }
    void sync(unsigned) override {
        const int n = ++faults_.syncs;
        if (n == faults_.fail_sync_at)
            throw StatusError(Status::io, "LEDGER_SYNC_FAILED", "injected: input/output error", "注入故障：输入/输出错误");
        ::fdatasync(fd_);
    }

private:
    int fd_;
    Faults& faults_;
};

Ledger::StorageFactory faulty(Faults& faults) {
    return [&faults](int fd, const std::filesystem::path&) { return std::make_unique<FaultyStorage>(fd, faults); };
}

}  // namespace

TEST_CASE("Ledger: a record's id is the SHA-256 of its line, and each line names the previous id", "[ledger]") {
    test::TempDir dir;
    const Head head = small_ledger(dir / "l.jsonl");
    const auto lines = lines_of(test::read_file(dir / "l.jsonl"));
    REQUIRE(lines.size() == 6);  // genesis and five
    std::string prev(genesis_prev);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto f = read_fields(lines[i]);
        REQUIRE(f);
        CHECK(f->seq == i + 1);
        CHECK(f->prev == prev);
        prev = sha256_hex(lines[i]);
    }
    CHECK(read_fields(lines[0])->kind == "genesis");
    CHECK(lines[0].find("\"format\":\"firstset-ledger/1\"") != std::string::npos);
    CHECK(head.seq == 6);
    CHECK(head.id == prev);
    const Verdict v = verify(test::read_file(dir / "l.jsonl"), head);
    CHECK(v.ok());
    CHECK(v.records == 6);
}

TEST_CASE("Ledger: changing any byte of any record is detected (with the kept head)", "[ledger][tamper]") {
    test::TempDir dir;
    const Head head = small_ledger(dir / "l.jsonl");
    const std::string original = test::read_file(dir / "l.jsonl");
    REQUIRE(verify(original, head).ok());
    std::size_t detected = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
        for (const int flip : {0x01, 0x20, 0x80}) {
            std::string tampered = original;
            tampered[i] = static_cast<char>(tampered[i] ^ flip);
            const Verdict v = verify(tampered, head);
            INFO("byte " << i << " xor " << int(flip));
            CHECK_FALSE(v.ok());
            detected += v.ok() ? 0 : 1;
        }
    }
    CHECK(detected == original.size() * 3);
    // Without the kept head, every change before the last record is still detected.
    const std::size_t last_line_start = original.rfind('\n', original.size() - 2) + 1;
    for (std::size_t i = 0; i < last_line_start; ++i) {
        std::string tampered = original;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        CHECK_FALSE(verify(tampered).ok());
    }
}

TEST_CASE("Ledger: dropped, duplicated, swapped and cut records are detected", "[ledger][tamper]") {
    test::TempDir dir;
    const Head head = small_ledger(dir / "l.jsonl");
    const auto lines = lines_of(test::read_file(dir / "l.jsonl"));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto dropped = lines;
        dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(i));
        CHECK_FALSE(verify(joined(dropped), head).ok());
        auto duplicated = lines;
        duplicated.insert(duplicated.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
        CHECK_FALSE(verify(joined(duplicated), head).ok());
        if (i + 1 < lines.size()) {
            auto swapped = lines;
            std::swap(swapped[i], swapped[i + 1]);
            CHECK_FALSE(verify(joined(swapped), head).ok());
        }
    }
    // A cut tail: whole records removed from the end are found only against the kept head.
    auto cut = lines;
    cut.pop_back();
    const Verdict without = verify(joined(cut));
    CHECK(without.ok());  // a shorter ledger is still a chain
    const Verdict with = verify(joined(cut), head);
    REQUIRE_FALSE(with.ok());
    CHECK(with.problems[0].code == "TRUNCATED");
    // The kept head also catches a replaced last record.
    auto replaced = lines;
    replaced.back().replace(replaced.back().find("记录 5"), std::string("记录 5").size(), "记录 9");
    const Verdict v = verify(joined(replaced), head);
    REQUIRE_FALSE(v.ok());
    CHECK(v.problems[0].code == "HEAD_MISMATCH");
}

TEST_CASE("Ledger: a torn last line is cut into .broken at open, and appending goes on", "[ledger]") {
    test::TempDir dir;
    const Head head = small_ledger(dir / "l.jsonl");
    const std::string torn = "{\"seq\":7,\"prev\":\"" + head.id + "\",\"time\":\"2026-11-22T00:00:00.000Z\",\"kind\":\"aw";
    {
        std::ofstream out(dir / "l.jsonl", std::ios::app | std::ios::binary);
        out << torn;
    }
    auto l = Ledger::open(dir / "l.jsonl");
    CHECK(l->records_at_open() == 6);
    CHECK(l->bytes_cut_at_open() == torn.size());
    CHECK(test::read_file(dir / "l.jsonl.broken").find(torn) != std::string::npos);
    CHECK(l->head().id == head.id);
    const Appended a = l->append("award", body(7));
    CHECK(a.seq == 7);
    l.reset();
    CHECK(verify(test::read_file(dir / "l.jsonl"), Head{7, a.id}).ok());
}

TEST_CASE("Ledger: damage anywhere else refuses the open with INTEGRITY and appends nothing", "[ledger]") {
    test::TempDir dir;
    small_ledger(dir / "l.jsonl");
    std::string bytes = test::read_file(dir / "l.jsonl");
    bytes[bytes.find("记录 2")] ^= 0x01;
    test::write_file(dir / "l.jsonl", bytes);
    try {
        Ledger::open(dir / "l.jsonl");
        FAIL("opened a damaged ledger");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::integrity);
        CHECK(e.code() == "LEDGER_DAMAGED");
        CHECK(std::string(e.message_en()).find("CHAIN_BROKEN") != std::string::npos);
    }
    CHECK(test::read_file(dir / "l.jsonl") == bytes);
}

TEST_CASE("Ledger: a failed write or sync fails the record and every later one until reopened", "[ledger][faults]") {
    for (const bool fail_sync : {false, true}) {
        INFO((fail_sync ? "sync fails" : "write fails"));
        test::TempDir dir;
        Faults faults;
        // Call 1 is the genesis record; the third record's batch fails.
        (fail_sync ? faults.fail_sync_at : faults.fail_append_at) = 4;
        std::vector<Appended> acknowledged;
        {
            auto l = Ledger::open(dir / "l.jsonl", faulty(faults));
            acknowledged.push_back(l->append("award", body(1)));
            acknowledged.push_back(l->append("award", body(2)));
            try {
                l->append("award", body(3));
                FAIL("the failed record was acknowledged");
            } catch (const StatusError& e) {
                CHECK(e.status() == Status::io);
                CHECK(e.code() == (fail_sync ? "LEDGER_SYNC_FAILED" : "LEDGER_WRITE_FAILED"));
            }
            // The ledger does not pretend nothing happened: no retry, no more records.
            try {
                l->append("award", body(4));
                FAIL("a record was taken after a failure");
            } catch (const StatusError& e) {
                CHECK(e.status() == Status::io);
                CHECK(e.code() == "LEDGER_FAILED");
            }
        }
        // Reopened, the ledger holds every acknowledged record; a half-written batch was cut.
        auto l = Ledger::open(dir / "l.jsonl");
        const Verdict v = verify(test::read_file(dir / "l.jsonl"));
        CHECK(v.ok());
        std::set<std::string> ids;
        verify(test::read_file(dir / "l.jsonl"), std::nullopt, [&](const Located& r) { ids.insert(r.id); });
        for (const auto& a : acknowledged) CHECK(ids.count(a.id) == 1);
        const Appended after = l->append("award", body(5));
        CHECK(after.seq == l->head().seq);
        CHECK(after.seq > acknowledged.back().seq);
    }
}

TEST_CASE("Ledger: many threads append at once, every record lands once, in one chain, sharing syncs", "[ledger][threads]") {
    test::TempDir dir;
    Faults faults;
    constexpr int threads = 8, each = 60;
    std::vector<std::vector<Appended>> got(threads);
    {
        auto l = Ledger::open(dir / "l.jsonl", faulty(faults));
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < each; ++i) got[static_cast<std::size_t>(t)].push_back(l->append("evaluation", body(t * 1000 + i)));
            });
        for (auto& th : pool) th.join();
    }
    std::set<std::uint64_t> seqs;
    std::map<std::uint64_t, std::string> id_of;
    for (const auto& list : got)
        for (const auto& a : list) {
            CHECK(seqs.insert(a.seq).second);
            id_of[a.seq] = a.id;
        }
    CHECK(seqs.size() == threads * each);
    CHECK(*seqs.begin() == 2);
    CHECK(*seqs.rbegin() == threads * each + 1);
    const std::string bytes = test::read_file(dir / "l.jsonl");
    verify(bytes, std::nullopt, [&](const Located& r) {
        if (r.seq > 1) CHECK(id_of[r.seq] == r.id);
    });
    CHECK(verify(bytes).ok());
    // Group commit: fewer syncs than records (one per batch), counted by the storage.
    WARN(threads * each << " records, " << faults.syncs.load() << " syncs");
    CHECK(faults.syncs.load() < threads * each);
}

TEST_CASE("Ledger: a second writer, in this process or another, is refused with the holder named", "[ledger][lock]") {
    test::TempDir dir;
    auto first = Ledger::open(dir / "l.jsonl");
    try {
        Ledger::open(dir / "l.jsonl");
        FAIL("a second writer opened the ledger");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::io);
        CHECK(e.code() == "LEDGER_LOCKED");
        CHECK(std::string(e.message_en()).find("pid " + std::to_string(::getpid())) != std::string::npos);
    }
    // Another process.
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        std::string message = "opened";
        try {
            Ledger::open(dir / "l.jsonl");
        } catch (const StatusError& e) {
            message = e.code() + ": " + e.message_en();
        }
        (void)!::write(fds[1], message.data(), message.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    char buf[1024];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    ::close(fds[0]);
    ::waitpid(child, nullptr, 0);
    const std::string message(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    INFO(message);
    CHECK(message.rfind("LEDGER_LOCKED", 0) == 0);
    CHECK(message.find("pid " + std::to_string(::getpid())) != std::string::npos);
    // Closed, the lock is free again.
    first.reset();
    CHECK_NOTHROW(Ledger::open(dir / "l.jsonl"));
}

TEST_CASE("Ledger: a writer killed at random moments never loses an acknowledged record", "[ledger][crash]") {
    std::mt19937 rng(20261122);
    constexpr int trials = 25;
    std::size_t acknowledged_total = 0, cut_total = 0;
    test::TempDir dir;
    const auto file = dir / "crash.jsonl";
    for (int trial = 0; trial < trials; ++trial) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const pid_t child = ::fork();
        if (child == 0) {
            // The writer: append until killed, reporting each acknowledged record.
            ::close(fds[0]);
            try {
                auto l = Ledger::open(file);
                for (int i = 0;; ++i) {
                    // Bodies of varied size, some large, so that kills land inside writes too.
                    const std::string text(static_cast<std::size_t>((i * 7919) % 20000), 'x');
                    const Appended a = l->append("award", "{\"i\":" + std::to_string(i) + ",\"t\":\"" + text + "\"}");
                    const std::string ack = std::to_string(a.seq) + " " + a.id + "\n";
                    if (::write(fds[1], ack.data(), ack.size()) < 0) ::_exit(2);
                }
            } catch (...) {
                ::_exit(3);
            }
        }
        ::close(fds[1]);
        ::usleep(static_cast<useconds_t>(5000 + rng() % 60000));
        ::kill(child, SIGKILL);
        std::string acks;
        char buf[4096];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) acks.append(buf, static_cast<std::size_t>(n));
        ::close(fds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        REQUIRE(WIFSIGNALED(status));

        // Reopen as the next process would: the chain must hold and contain every ack.
        auto l = Ledger::open(file);
        cut_total += l->bytes_cut_at_open();
        std::map<std::uint64_t, std::string> on_disk;
        const Verdict v = verify(test::read_file(file), std::nullopt, [&](const Located& r) { on_disk[r.seq] = r.id; });
        REQUIRE(v.ok());
        std::istringstream in(acks);
        std::uint64_t seq;
        std::string id;
        while (in >> seq >> id) {
            INFO("trial " << trial << " record " << seq);
            REQUIRE(on_disk.count(seq) == 1);
            CHECK(on_disk[seq] == id);
            ++acknowledged_total;
        }
    }
    WARN(trials << " kills; " << acknowledged_total << " acknowledged records, all found; " << cut_total
                << " bytes of unfinished records cut at reopen");
    CHECK(acknowledged_total > 0);
}

TEST_CASE("Ledger: a sync failing while other writers wait acknowledges nothing after it, loses nothing before it",
          "[ledger][faults][threads]") {
    for (const int fail_at : {3, 9, 20}) {
        INFO("sync " << fail_at << " fails");
        test::TempDir dir;
        Faults faults;
        faults.fail_sync_at = fail_at;
        constexpr int threads = 8, each = 20;
        std::mutex mutex;
        std::vector<Appended> acknowledged;
        std::vector<std::string> refusals;
        {
            auto l = Ledger::open(dir / "l.jsonl", faulty(faults));
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    for (int i = 0; i < each; ++i) {
                        try {
                            const Appended a = l->append("evaluation", body(t * 1000 + i));
                            std::lock_guard<std::mutex> lock(mutex);
                            acknowledged.push_back(a);
                        } catch (const StatusError& e) {
                            // Catch2's assertions are not for threads: gather, check after.
                            std::lock_guard<std::mutex> lock(mutex);
                            refusals.push_back(std::string(e.status() == Status::io ? "io " : "not-io ") + e.code());
                        }
                    }
                });
            for (auto& th : pool) th.join();
            // The failure is final for this opening.
            CHECK_THROWS_AS(l->append("award", body(1)), StatusError);
        }
        CHECK(!refusals.empty());
        for (const auto& r : refusals) CHECK((r == "io LEDGER_SYNC_FAILED" || r == "io LEDGER_FAILED"));
        // Reopened: every acknowledged record is there, in one intact chain.
        auto l = Ledger::open(dir / "l.jsonl");
        std::map<std::uint64_t, std::string> ids;
        const Verdict v = verify(test::read_file(dir / "l.jsonl"), std::nullopt,
                                 [&](const Located& r) { ids[r.seq] = r.id; });
        CHECK(v.ok());
        for (const auto& a : acknowledged) CHECK(ids[a.seq] == a.id);
    }
}

namespace {

// Writes without syncing: large test ledgers in little time.
class UnsyncedStorage : public Storage {
public:
    explicit UnsyncedStorage(int fd) : fd_(fd) {}
    void append(std::string_view bytes) override {
        if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) std::abort();
    }
    void sync(unsigned) override {}

private:
    int fd_;
};

}  // namespace

TEST_CASE("Issue 8 #6: a ledger that shrinks while it is verified gives a verdict, never SIGBUS", "[ledger][hostile]") {
    test::TempDir dir;
    const auto pristine = dir / "pristine.jsonl";
    {
        auto l = Ledger::open(pristine, [](int fd, const std::filesystem::path&) { return std::make_unique<UnsyncedStorage>(fd); });
        const std::string pad(400, 'x');
        for (int i = 0; i < 60000; ++i) l->append("evaluation", "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + pad + "\"}");
    }
    REQUIRE(std::filesystem::file_size(pristine) > (std::size_t{25} << 20));
    const auto file = dir / "ledger.jsonl";
    const std::string request_json = "{\"ledger\":\"" + file.string() + "\"}";
    int verdicts = 0;
    for (int trial = 0; trial < 6; ++trial) {
        std::filesystem::copy_file(pristine, file, std::filesystem::copy_options::overwrite_existing);
        // Another process (an operator, a rotation script) cuts the file while it is being read.
        std::thread cutter([&, trial] {
            std::this_thread::sleep_for(std::chrono::milliseconds(2 + trial * 3));
            ::truncate(file.c_str(), static_cast<off_t>(std::filesystem::file_size(pristine) / (trial + 2)));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            ::truncate(file.c_str(), 0);
        });
        TextBuffer out;
        try {
            verify_ledger(request_json.c_str(), out);
            const std::string verdict = out.str();
            CHECK(verdict.find("\"ok\":") != std::string::npos);
            ++verdicts;
        } catch (const StatusError& e) {
            CHECK(e.status() == Status::io);
        }
        cutter.join();
    }
    WARN(verdicts << " verdicts on ledgers cut while read; the process is still here");
}

TEST_CASE("Issue 8 #9: a link planted at a temporary file's old name is never followed, files are written 0600",
          "[ledger][hostile]") {
    test::TempDir dir;
    test::write_file(dir / "precious.txt", "keep me\n");
    // The names the writer used to write before renaming: a link there used to be truncated through.
    std::filesystem::create_symlink(dir / "precious.txt", dir / "cursor.tmp");
    write_file_durably(dir / "cursor", "{\"a\":1}");
    CHECK(test::read_file(dir / "precious.txt") == "keep me\n");
    CHECK(test::read_file(dir / "cursor") == "{\"a\":1}");
    struct stat st {};
    REQUIRE(::stat((dir / "cursor").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    // A link planted at the target itself is replaced, not written through.
    std::filesystem::create_symlink(dir / "precious.txt", dir / "checkpoint");
    write_file_durably(dir / "checkpoint", "signed\n");
    CHECK(test::read_file(dir / "precious.txt") == "keep me\n");
    CHECK_FALSE(std::filesystem::is_symlink(dir / "checkpoint"));
    // Parents are created for the owner only.
    write_file_durably(dir / "a/b/c", "x");
    REQUIRE(::stat((dir / "a/b").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("Issue 8 #5: the ledger never writes a record its own reader would refuse", "[ledger][hostile]") {
    test::TempDir dir;
    auto l = Ledger::open(dir / "l.jsonl");
    l->append("award", body(1));
    const std::string before = test::read_file(dir / "l.jsonl");
    for (const std::string bad : {R"({"a":1,"a":2})", "{\"t\":\"\xED\xB0\x80\"}", R"({"n":1e999})", R"({"x":)"}) {
        INFO(bad);
        try {
            l->append("award", bad);
            FAIL("written");
        } catch (const StatusError& e) {
            CHECK(e.status() == Status::internal);
            CHECK(e.code() == "RECORD_NOT_READABLE");
        }
    }
    CHECK(test::read_file(dir / "l.jsonl") == before);
    l->append("award", body(2));  // and it goes on
    l.reset();
    CHECK_NOTHROW(Ledger::open(dir / "l.jsonl"));
}
