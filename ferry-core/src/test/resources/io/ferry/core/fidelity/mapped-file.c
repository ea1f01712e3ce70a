/* A memory-mapped file for the fidelity suite: maps PATH shared, then every 0.3 s writes a counter through
 * the mapping and reads it back through the file (they must agree), printing it (FAIL lines when not). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/tmp/mapped";
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ftruncate(fd, 4096)) { perror("open"); return 1; }
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) { perror("mmap"); return 1; }
    for (int i = 0;; i++) {
        char want[32], got[32] = {0};
        snprintf(want, sizeof want, "%d", i);
        memset(m, 0, 32);
        memcpy(m, want, strlen(want));
        if (pread(fd, got, 31, 0) < 0 || strcmp(got, want)) printf("FAIL mapped %s != %s\n", got, want);
        else printf("%d\n", i);
        fflush(stdout);
        usleep(300000);
    }
}
