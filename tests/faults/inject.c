/* Fault injection for the crash tests, loaded with LD_PRELOAD: the Nth fdatasync (or fsync) of
 * the process fails with EIO, as a disk's write error does, and, as Linux may do after such an
 * error, the pages written since the file's last successful sync are lost (the file is cut back
 * to its size at that sync). Every later sync of that file fails too.
 *
 *   FIRSTSET_FAULT_SYNC_EIO_AT=N   the Nth sync call (1-based) fails; unset: none does
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long calls;
static struct {
    dev_t dev;
    ino_t ino;
    off_t synced;
    int failed;
} files[MAX_FILES];
static int nfiles;

static int slot_of(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    for (int i = 0; i < nfiles; ++i)
        if (files[i].dev == st.st_dev && files[i].ino == st.st_ino) return i;
    if (nfiles == MAX_FILES) return -1;
    files[nfiles].dev = st.st_dev;
    files[nfiles].ino = st.st_ino;
    files[nfiles].synced = 0;
    files[nfiles].failed = 0;
    return nfiles++;
}

static int faulty_sync(int fd, int (*real)(int)) {
    const char* at = getenv("FIRSTSET_FAULT_SYNC_EIO_AT");
    pthread_mutex_lock(&lock);
    const long n = ++calls;
    const int slot = slot_of(fd);
    int fail = slot >= 0 && files[slot].failed;
    if (!fail && at && n == atol(at) && slot >= 0) {
        /* The unsynced pages are dropped: the file is what it was at its last good sync. */
        if (ftruncate(fd, files[slot].synced) != 0) { /* nothing more to lose */ }
        files[slot].failed = 1;
        fail = 1;
    }
    pthread_mutex_unlock(&lock);
    if (fail) {
        errno = EIO;
        return -1;
    }
    const int rc = real(fd);
    if (rc == 0) {
        struct stat st;
        pthread_mutex_lock(&lock);
        if (slot >= 0 && fstat(fd, &st) == 0 && !files[slot].failed) files[slot].synced = st.st_size;
        pthread_mutex_unlock(&lock);
    }
    return rc;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return faulty_sync(fd, real);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    return faulty_sync(fd, real);
}
