/*
 * cli.h — the subcommands of the `dalaba` command line. Each takes the
 * arguments after its name and returns the process exit status
 * (0 done, 1 failed, 2 bad usage).
 */
#ifndef DALABA_CLI_H
#define DALABA_CLI_H

#include <stddef.h>
#include <stdint.h>

int cli_say(int argc, char **argv);
/* cli_api.c: the commands that talk to dalabad's JSON API. */
int cli_notice(int argc, char **argv);
int cli_schedule(int argc, char **argv);
int cli_zone(int argc, char **argv);
int cli_speaker(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_broadcasts(int argc, char **argv);
/* cli_user.c */
int cli_user(int argc, char **argv);
int cli_page(int argc, char **argv);
/* cli_backup.c: the store through SQLite's online backup API. */
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);

#endif
