// Command kwok is upstream kwok (sigs.k8s.io/kwok) with the default stages kwokctl gives it: nodes
// become Ready and keep a Lease, Pods on them become Running and Ready, completed Pods of Jobs
// Succeeded, deleted Pods go away. Any --config replaces those stages.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
	"sigs.k8s.io/kwok/pkg/config"
	"sigs.k8s.io/kwok/pkg/kwok/cmd"
	"sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/kwok/pkg/utils/signals"
)

// defaultStages is what kwokctl configures (pkg/kwokctl/runtime/cluster.go) with node leases on.
var defaultStages = []string{
	nodefast.DefaultNodeInit,
	nodelease.DefaultNodeHeartbeatWithLease,
	podfast.DefaultPodReady,
	podfast.DefaultPodComplete,
	podfast.DefaultPodDelete,
}

func hasConfigFlag(args []string) bool {
	for _, a := range args {
		if a == "-c" || a == "--config" || strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-c=") {
			return true
		}
	}
	return false
}

// withDefaultStages writes the default stages to a file and names it with --config, unless the
// command line names a config of its own.
func withDefaultStages(args []string) ([]string, func(), error) {
	if hasConfigFlag(args) {
		return args, func() {}, nil
	}
	f, err := os.CreateTemp("", "kwok-stages-*.yaml")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = os.Remove(f.Name()) }
	_, err = f.WriteString(strings.Join(defaultStages, "\n---\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return append(args, "--config="+f.Name()), cleanup, nil
}

func main() {
	args, cleanup, err := withDefaultStages(os.Args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kwok: writing the default stages:", err)
		os.Exit(1)
	}
	os.Args = args
	code := run()
	cleanup()
	os.Exit(code)
}

// run sets up logging and the kwok config flags, then runs kwok's root command.
func run() int {
	flagset := pflag.NewFlagSet("global", pflag.ContinueOnError)
	flagset.ParseErrorsAllowlist.UnknownFlags = true
	flagset.Usage = func() {}

	ctx := signals.SetupSignalContext()
	ctx, logger := log.InitFlags(ctx, flagset)

	ctx, err := config.InitFlags(ctx, flagset)
	if err != nil {
		_, _ = os.Stderr.Write([]byte(flagset.FlagUsages()))
		logger.Error("Init config flags", "err", err)
		return 1
	}

	command := cmd.NewCommand(ctx)
	command.PersistentFlags().AddFlagSet(flagset)
	if err := command.ExecuteContext(ctx); err != nil {
		logger.Error("Execute exit", "err", err)
		return 1
	}
	return 0
}
