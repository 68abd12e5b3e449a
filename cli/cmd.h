/* cmd.h - one entry point per subcommand; each returns an exit code. */
#ifndef NV_CLI_CMD_H
#define NV_CLI_CMD_H

int nv_cmd_key(int argc, char **argv);
int nv_cmd_lint(int argc, char **argv);
int nv_cmd_gen(int argc, char **argv);
int nv_cmd_run(int argc, char **argv);
int nv_cmd_verify(int argc, char **argv);
int nv_cmd_ref(int argc, char **argv);
int nv_cmd_matrix(int argc, char **argv);
int nv_cmd_diagnose(int argc, char **argv);

/* Parse a decimal or 0x-hex unsigned number, whole string; 0 ok / -1. */
int nv_cli_number(const char *s, unsigned long long max, unsigned long long *out);

#endif
