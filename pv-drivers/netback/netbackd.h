/*
 * netbackd.h — the daemon's entry point (daemon.c), called by main.c after
 * it opened the devices and xenstore.
 */
#ifndef PV_DRIVERS_NETBACKD_H
#define PV_DRIVERS_NETBACKD_H

struct nb_daemon;

/* Serves vifs until SIGTERM/SIGINT; 0, or -errno if the loop broke. */
int nb_daemon_run(struct nb_daemon *d);

#endif
