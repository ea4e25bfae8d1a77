/* Opens a configuration, evaluates one request file and prints the response; exit status 0 only
 * when the library answers OK and its ABI is 1.5 or later. Usage: consumer CONFIG REQUEST */
#include <firstset/firstset.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: consumer CONFIG REQUEST\n");
        return 2;
    }
    const uint32_t abi = firstset_abi_version();
    if ((abi >> 16) != FIRSTSET_ABI_MAJOR || (abi & 0xFFFFu) < 5u) {
        fprintf(stderr, "unexpected ABI %u.%u\n", (unsigned)(abi >> 16), (unsigned)(abi & 0xFFFFu));
        return 1;
    }
    FILE* f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    char* text = malloc(1u << 20);
    size_t size = text ? fread(text, 1, (1u << 20), f) : 0;
    fclose(f);
    firstset_engine* engine = NULL;
    char* out = NULL;
    int status = firstset_open(argv[1], &engine, &out);
    if (status != FIRSTSET_OK) {
        fprintf(stderr, "open: %d %s\n", status, out ? out : "");
        firstset_free(out);
        free(text);
        return 1;
    }
    status = firstset_evaluate_n(engine, text, size, &out); /* no NUL after the text */
    printf("%s\n", out ? out : "");
    firstset_free(out);
    firstset_close(engine);
    free(text);
    printf("firstset %s, ABI %u.%u\n", firstset_version(), (unsigned)(abi >> 16), (unsigned)(abi & 0xFFFFu));
    return status == FIRSTSET_OK ? 0 : 1;
}
