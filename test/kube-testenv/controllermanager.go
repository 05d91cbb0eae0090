package main

import (
	"os"
	"strconv"
	"time"

	"k8s.io/component-base/cli"
	kcmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// runControllerManager is the `controller-manager` subcommand: upstream
// kube-controller-manager, unchanged, in its own process (it must not share a
// process with kube-apiserver: both use global registries and feature gates).
func runControllerManager(args []string) int {
	// Exit when the launcher goes away even if Pdeathsig was lost (e.g. the
	// launcher was SIGKILLed and the spawning OS thread had already exited).
	if p, err := strconv.Atoi(os.Getenv("KT_PARENT_PID")); err == nil && p > 1 {
		go func() {
			for range time.Tick(time.Second) {
				if os.Getppid() != p {
					os.Exit(0)
				}
			}
		}()
	}
	cmd := kcmapp.NewControllerManagerCommand()
	cmd.SetArgs(args)
	return cli.Run(cmd)
}
