/*
 * rawwrite.c - the bench's limit: write(2) a file's bytes in 1 MiB blocks
 * to a new file, as fast as the kernel takes them. The input is read into
 * memory first and not timed; prints the write phase in microseconds.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1u << 20)

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct stat st;
	unsigned char *buf;
	long long t0;
	size_t off = 0;
	int in, out;

	if (argc != 3 || (in = open(argv[1], O_RDONLY)) < 0 || fstat(in, &st) < 0)
		return 2;
	buf = malloc((size_t)st.st_size);
	for (size_t got = 0; buf && got < (size_t)st.st_size;) {
		ssize_t n = read(in, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			return 2;
		got += (size_t)n;
	}
	t0 = now_us();
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!buf || out < 0)
		return 2;
	while (off < (size_t)st.st_size) {
		size_t n = (size_t)st.st_size - off < BLOCK ? (size_t)st.st_size - off : BLOCK;
		ssize_t w = write(out, buf + off, n);

		if (w <= 0)
			return 2;
		off += (size_t)w;
	}
	close(out);
	printf("%lld\n", now_us() - t0);
	return 0;
}
