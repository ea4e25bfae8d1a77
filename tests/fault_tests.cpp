// Issue 8: crash tests under real faults. A writer process appends records (an evaluation each)
// until the disk fails it: a full file system (a small tmpfs, mounted for the test in a mount
// namespace of its own) and EIO from fdatasync (fault injection with LD_PRELOAD, which also drops
// the pages written since the last good sync, as Linux may after such an error). Each ends the
// same way: after the fault nothing more is acknowledged, and when the ledger is opened again
// (with space freed) every acknowledged record is there, in a chain that verifies.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "ledger/format.hpp"
#include "ledger/ledger.hpp"
#include "support.hpp"
#include "util/error.hpp"

namespace {

struct Outcome {
    std::map<std::uint64_t, std::string> acknowledged;  // seq -> id
    std::vector<std::string> refusals;
    bool refused_then_acknowledged = false;  // an ack after a refusal: must never happen
    std::string text;
};

Outcome read_outcome(const std::string& out) {
    Outcome o;
    o.text = out;
    std::istringstream in(out);
    std::string word;
    while (in >> word) {
        if (word == "ack") {
            std::uint64_t seq;
            std::string id;
            in >> seq >> id;
            o.acknowledged[seq] = id;
            if (!o.refusals.empty()) o.refused_then_acknowledged = true;
        } else if (word == "refused" || word == "open-refused") {
            std::string code;
            in >> code;
            o.refusals.push_back(code);
        }
    }
    return o;
}

void write_config(const std::filesystem::path& dir) {
    test::write_file(dir / "config.yaml", "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "]\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                              "}\nledger: {path: " + (dir / "ledger.jsonl").string() +
                                              "}\nlog: {level: 'off'}\n");
}

// The ledger's bytes verify and hold every acknowledged record.
void check_kept(const std::string& ledger_bytes, const Outcome& o) {
    INFO(o.text.substr(0, 2000));
    CHECK_FALSE(o.refused_then_acknowledged);
    std::map<std::uint64_t, std::string> on_disk;
    const auto verdict = firstset::ledger::verify(ledger_bytes, std::nullopt,
                                                  [&](const firstset::ledger::Located& r) { on_disk[r.seq] = r.id; });
    CHECK(verdict.ok());
    for (const auto& [seq, id] : o.acknowledged) {
        INFO("acknowledged record " << seq);
        REQUIRE(on_disk.count(seq) == 1);
        CHECK(on_disk[seq] == id);
    }
}

}  // namespace

TEST_CASE("Issue 8: EIO from fdatasync (injected, unsynced pages dropped): nothing acknowledged after it, every "
          "acknowledged record kept", "[faults]") {
    for (const int fail_at : {2, 5, 13}) {
        INFO("sync " << fail_at << " fails");
        test::TempDir dir;
        write_config(dir.path());
        const std::string env = "FIRSTSET_FAULT_SYNC_EIO_AT=" + std::to_string(fail_at) + " LD_PRELOAD=" + FIRSTSET_FAULT_INJECT +
                                " ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\"";
        const test::Run run = test::run(env + " " + FIRSTSET_FAULT_WRITER, (dir / "config.yaml").string() + " " +
                                                                               test::source("tests/data/request-b1.json").string() + " 30");
        REQUIRE(run.status == 0);
        const Outcome o = read_outcome(run.out);
        CHECK_FALSE(o.refusals.empty());  // the fault was met
        for (const auto& code : o.refusals)
            CHECK((code == "LEDGER_SYNC_FAILED" || code == "LEDGER_FAILED" || code == "LEDGER_WRITE_FAILED"));
        { auto reopened = firstset::ledger::Ledger::open(dir / "ledger.jsonl"); }  // cuts an unfinished tail
        check_kept(test::read_file(dir / "ledger.jsonl"), o);
    }
}

TEST_CASE("Issue 8: a full file system (a 192 KiB tmpfs): nothing acknowledged after ENOSPC, every acknowledged "
          "record kept once space is freed", "[faults]") {
    test::TempDir dir;
    const auto mount_point = dir / "small";
    std::filesystem::create_directories(mount_point);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // In a mount namespace of its own, so the tmpfs is gone with this process.
        ::close(fds[0]);
        auto report = [&](const std::string& s) { (void)!::write(fds[1], s.data(), s.size()); };
        // Mounts made private so the tmpfs does not propagate out. Inside a chroot "/" is not a
        // mount point and cannot be made private (EINVAL): the tmpfs is then unmounted at the end.
        if (::unshare(CLONE_NEWNS) != 0 ||
            (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 && errno != EINVAL) ||
            ::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=192k") != 0) {
            report(std::string("mount: ") + std::strerror(errno) + "\n");
            ::_exit(3);
        }
        write_config(mount_point);
        const test::Run run = test::run(FIRSTSET_FAULT_WRITER, (mount_point / "config.yaml").string() + " " +
                                                                   test::source("tests/data/request-b1.json").string() + " 400");
        report(run.out);
        report("==\n");
        // Space is freed (the operator grows the file system), the ledger is opened again.
        if (::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT, "size=4m") != 0) {
            ::umount2(mount_point.c_str(), MNT_DETACH);
            ::_exit(4);
        }
        const std::string ledger = test::read_file(mount_point / "ledger.jsonl");
        try {
            auto reopened = firstset::ledger::Ledger::open(mount_point / "ledger.jsonl");
        } catch (const firstset::StatusError& e) {
            report("reopen " + e.code() + "\n");
        }
        report(test::read_file(mount_point / "ledger.jsonl"));
        ::umount2(mount_point.c_str(), MNT_DETACH);
        ::_exit(run.status == 0 ? 0 : 5);
    }
    ::close(fds[1]);
    std::string out;
    char buf[65536];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    INFO(out.substr(0, 3000));
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);  // 3: this test needs root (CAP_SYS_ADMIN) to mount a tmpfs
    const auto split = out.find("==\n");
    REQUIRE(split != std::string::npos);
    const Outcome o = read_outcome(out.substr(0, split));
    CHECK(o.acknowledged.size() > 10);
    CHECK_FALSE(o.refusals.empty());  // the disk filled up
    const std::string rest = out.substr(split + 3);
    CHECK(rest.rfind("reopen ", 0) != 0);  // the ledger opened again
    check_kept(rest, o);  // the ledger as it was after reopening
    WARN(o.acknowledged.size() << " records acknowledged before the disk was full, " << o.refusals.size()
                               << " refused after; all acknowledged ones kept");
}
