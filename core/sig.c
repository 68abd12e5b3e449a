/* sig.c - a flag and a pcap_breakloop: all a handler may safely do. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "nvgrect/sig.h"

#define NV_SIG_EXIT_BASE 128

static volatile sig_atomic_t caught;
static pcap_t *volatile watched;

static void on_signal(int signo)
{
	pcap_t *p = watched;

	if (caught)
		_exit(NV_SIG_EXIT_BASE + signo);   /* second signal: no more waiting */
	caught = signo;
	if (p)
		pcap_breakloop(p);
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

int nv_sig_install(struct nv_err *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: blocking calls return EINTR */
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		if (sigaction(stop_signals[i], &sa, NULL) < 0)
			return nv_errno(err, "sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return nv_errno(err, "sigaction(SIGPIPE)");
	return 0;
}

void nv_sig_restore(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	watched = NULL;
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		sigaction(stop_signals[i], &sa, NULL);
}

void nv_sig_watch(pcap_t *p)
{
	watched = p;
}

int nv_sig_caught(void)
{
	return caught;
}

int nv_sig_exit_code(int signo)
{
	return NV_SIG_EXIT_BASE + signo;
}
