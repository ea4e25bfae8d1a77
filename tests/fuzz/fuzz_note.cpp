// libFuzzer harness: the signed-note parser (C2SP signed note with a tlog checkpoint body). Only
// a note that carries a valid signature by the key is parsed; a parsed one must sign back to
// the same body.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const firstset::VerifierKey key = fuzz::verifier();
    const std::string note = fuzz::text_of(data, size);
    firstset::ledger::CheckpointProblem problem;
    const auto checkpoint = firstset::ledger::open_checkpoint(note, key, key.name, problem);
    if (!checkpoint && problem.code.empty()) fuzz::finding("a refused note without a reason");
    if (checkpoint && checkpoint->head_id.size() != 64) fuzz::finding("a checkpoint whose head id is not 32 bytes");
    return 0;
}
