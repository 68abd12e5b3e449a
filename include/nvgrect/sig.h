/*
 * sig.h - stopping a live run cleanly on SIGINT/SIGTERM/SIGHUP.
 *
 * The handlers only record the signal and break the capture loop
 * (pcap_breakloop is async-signal-safe); the run loop notices, stops
 * sending, and writes a partial report. They are installed without
 * SA_RESTART so poll() and friends return EINTR at once instead of
 * waiting for the next packet. A second signal of any kind exits at once
 * (files under final names are complete either way: they are renamed into
 * place only when finished).
 */
#ifndef NV_SIG_H
#define NV_SIG_H

#include <pcap/pcap.h>

#include "nvgrect/err.h"

/* Install the handlers; SIGPIPE is ignored (write errors surface as EPIPE). */
int nv_sig_install(struct nv_err *err);
/* Restore the default dispositions. */
void nv_sig_restore(void);
/* The capture to break on a signal (NULL: none). */
void nv_sig_watch(pcap_t *p);
/* 0, or the first signal caught. */
int nv_sig_caught(void);
/* Exit code for a caught signal: 128 + signo (130 SIGINT, 143 SIGTERM). */
int nv_sig_exit_code(int signo);

#endif
