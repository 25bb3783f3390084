/*
 * journalcmd.h - kis-engine journal: the orders and fills a live run
 * recorded (the SQLite journal of live.journal).
 *
 *   kis-engine journal --config FILE | --file JOURNAL [--date YYYY-MM-DD] [--open] [--json]
 *
 * Exit status: 0 listed, 2 bad usage or no journal.
 */
#ifndef JOURNALCMD_H
#define JOURNALCMD_H

/* argv[0] is "journal". */
int journalcmd_main(int argc, char **argv);

#endif
