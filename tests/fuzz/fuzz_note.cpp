// libFuzzer harness: the signed-note parser (C2SP signed note with a tlog checkpoint body) and
// the signed-note key strings. Only a note that carries a valid signature by the key (the sample
// Ed25519 key, and the sample SM2 key) is parsed; a parsed one must name a 32-byte head. Every
// line of the input is also read as a verifier key and as a signer key (the configuration,
// firstset-ledger --key and /v1/verify read such strings): a key that parses must parse again from
// the text it prints, and a signer key must verify its own signature over the input.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const firstset::VerifierKey keys[] = {fuzz::verifier(), fuzz::verifier(fuzz::sm2_verifier_key)};
    const std::string note = fuzz::text_of(data, size);
    for (const firstset::VerifierKey& key : keys) {
        firstset::ledger::CheckpointProblem problem;
        const auto checkpoint = firstset::ledger::open_checkpoint(note, key, key.name, problem);
        if (!checkpoint && problem.code.empty()) fuzz::finding("a refused note without a reason");
        if (checkpoint && checkpoint->head_id.size() != 64) fuzz::finding("a checkpoint whose head id is not 32 bytes");
    }
    std::size_t lines = 0;
    for (std::size_t start = 0, end; start < note.size() && lines < 4; start = end + 1, ++lines) {
        end = note.find('\n', start);
        if (end == std::string::npos) end = note.size();
        const std::string line = note.substr(start, end - start);
        std::string why;
        if (const auto v = firstset::parse_verifier_key(line, why)) {
            const auto again = firstset::parse_verifier_key(v->text(), why);
            if (!again || again->public_key != v->public_key || again->algorithm != v->algorithm || again->id != v->id)
                fuzz::finding("a verifier key that does not parse again from its own text");
        } else if (why.empty()) {
            fuzz::finding("a refused verifier key without a reason");
        }
        why.clear();
        if (const auto s = firstset::parse_signer_key(line, why)) {
            const auto again = firstset::parse_signer_key(s->text(), why);
            if (!again || again->public_key != s->public_key || again->private_key != s->private_key)
                fuzz::finding("a signer key that does not parse again from its own text");
            if (!firstset::verify_message(s->verifier(), note, firstset::sign_message(*s, note)))
                fuzz::finding("a signer key whose signature its own verifier key refuses");
        } else if (why.empty()) {
            fuzz::finding("a refused signer key without a reason");
        }
    }
    return 0;
}
