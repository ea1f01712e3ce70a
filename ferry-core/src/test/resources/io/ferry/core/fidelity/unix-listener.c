/* A unix stream listener for the fidelity suite: binds PATH, then every 0.3 s connects to it by path,
 * echoes a byte through the accepted connection and prints a counter (FAIL lines when that breaks). */
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/tmp/app.sock";
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(path);
    if (bind(l, (struct sockaddr *) &a, sizeof a) || listen(l, 8)) { perror("listen"); return 1; }
    for (int i = 0;; i++) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        char b = 'x';
        if (connect(c, (struct sockaddr *) &a, sizeof a)) { printf("FAIL connect %s %d\n", path, i); fflush(stdout); close(c); sleep(1); continue; }
        int s = accept(l, 0, 0);
        if (write(c, &b, 1) != 1 || read(s, &b, 1) != 1) printf("FAIL echo %d\n", i); else printf("%d\n", i);
        fflush(stdout);
        close(s); close(c);
        usleep(300000);
    }
}
