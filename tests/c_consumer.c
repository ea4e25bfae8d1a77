/* A consumer of libfirstset written in plain C99, linked against the library as any C program
 * (or a JNA / P/Invoke binding) would use it. Usage: c_consumer CONFIG.yaml REQUEST.json
 * Exits 0 only when every check below holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firstset/firstset.h"

static int failures = 0;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                 \
        }                                                               \
    } while (0)

static char* read_all(const char* path) {
    FILE* f = fopen(path, "rb");
    char* text;
    long size;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    if (text) text[size] = '\0';
    fclose(f);
    return text;
}

int main(int argc, char** argv) {
    firstset_engine* engine = NULL;
    char* error = NULL;
    char* response = NULL;
    char* request;
    int status;

    if (argc != 3) {
        fprintf(stderr, "usage: %s CONFIG.yaml REQUEST.json\n", argv[0]);
        return 2;
    }
    CHECK((firstset_abi_version() >> 16) == FIRSTSET_ABI_MAJOR);
    CHECK(strlen(firstset_version()) > 0);

    status = firstset_open(argv[1], &engine, &error);
    CHECK(status == FIRSTSET_OK);
    CHECK(error == NULL);
    CHECK(engine != NULL);
    if (status != FIRSTSET_OK) {
        fprintf(stderr, "open failed: %s\n", error ? error : "(no document)");
        firstset_free(error);
        return 1;
    }

    request = read_all(argv[2]);
    CHECK(request != NULL);
    status = firstset_evaluate(engine, request, &response);
    CHECK(status == FIRSTSET_OK);
    CHECK(response != NULL && strstr(response, "\"outcome\":\"deemed_met\"") != NULL);
    CHECK(response != NULL && strstr(response, "渝经信规范〔2024〕9号（四）") != NULL);
    firstset_free(response);

    /* An error: the out string is an error document with status and code. */
    status = firstset_evaluate(engine, "{\"tender\": 1, \"bid\": {}}", &response);
    CHECK(status == FIRSTSET_SCHEMA);
    CHECK(response != NULL && strstr(response, "\"status\":\"SCHEMA\"") != NULL);
    CHECK(response != NULL && strstr(response, "\"path\":\"/tender\"") != NULL);
    firstset_free(response);

    /* NULL out-parameter: status 1, nothing written, no crash. */
    CHECK(firstset_evaluate(engine, request, NULL) == FIRSTSET_ARGUMENT);

    free(request);
    firstset_close(engine);
    firstset_close(NULL);
    firstset_free(NULL);
    if (failures == 0) printf("c_consumer: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
