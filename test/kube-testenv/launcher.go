package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/server/flagz"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	basecompatibility "k8s.io/component-base/compatibility"
	"k8s.io/component-base/featuregate"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/component-base/version"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

// Controllers run by default (names from cmd/kube-controller-manager/names).
var defaultControllers = []string{
	"namespace-controller",
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"garbage-collector-controller",
	"clusterrole-aggregation-controller",
	"root-ca-certificate-publisher-controller",
	"validatingadmissionpolicy-status-controller",
}

// readyInfo is written to $KT_DIR/ready.json once the control plane is usable.
type readyInfo struct {
	Port           int               `json:"port"`
	Server         string            `json:"server"`
	Kubeconfig     string            `json:"kubeconfig"`
	CAFile         string            `json:"caFile"`
	Token          string            `json:"token"`
	Dir            string            `json:"dir"`
	Version        string            `json:"version"`
	Pids           map[string]int    `json:"pids"`
	Controllers    []string          `json:"controllers"`
	Logs           map[string]string `json:"logs"`
	StartupSeconds float64           `json:"startupSeconds"`
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "kube-testenv: "+format+"\n", a...)
}

// current is the running launcher (for the second-signal path).
var current atomic.Pointer[launcher]

// shuttingDown is set once SIGTERM/SIGINT arrives.
var shuttingDown atomic.Bool

// failf reports a startup failure, unless it is just the effect of a signal.
func failf(format string, a ...any) {
	if !shuttingDown.Load() {
		logf(format, a...)
	}
}

func runLauncher(argv []string) int {
	start := time.Now()
	fs := flag.NewFlagSet("kube-testenv", flag.ContinueOnError)
	dirFlag := fs.String("dir", os.Getenv("KT_DIR"), "state dir (env KT_DIR); a temp dir, removed on exit, if empty")
	portFlag := fs.Int("secure-port", atoiOr(os.Getenv("KT_SECURE_PORT"), 0), "kube-apiserver port on 127.0.0.1 (env KT_SECURE_PORT); 0 = pick a free one")
	ctrlFlag := fs.String("controllers", envOr("KT_CONTROLLERS", strings.Join(defaultControllers, ",")),
		"kube-controller-manager --controllers (env KT_CONTROLLERS); \"none\" = do not run kube-controller-manager")
	verbose := fs.Bool("verbose", os.Getenv("KT_VERBOSE") == "1", "copy all component logs to stderr (env KT_VERBOSE=1)")
	timeout := fs.Duration("ready-timeout", 3*time.Minute, "give up if not ready after this long")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kube-testenv [flags] [-- extra kube-apiserver flags]\n"+
			"       kube-testenv controller-manager [kube-controller-manager flags]\n       kube-testenv version\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(argv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	extraAPIServerArgs := fs.Args()

	// Signals first, so that a SIGTERM during startup also cleans up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 2)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		s := <-sigc
		shuttingDown.Store(true)
		logf("received %v, shutting down", s)
		cancel()
		s = <-sigc
		logf("received %v again, exiting now", s)
		if l := current.Load(); l != nil {
			if l.kcm != nil && l.kcm.Process != nil {
				_ = l.kcm.Process.Kill()
			}
			if l.dir != "" {
				_ = os.Remove(l.logPath("ready.json"))
			}
		}
		os.Exit(1)
	}()

	l := &launcher{verbose: *verbose}
	current.Store(l)
	// klog.Fatal (e.g. kube-apiserver's "PostStartHook ... failed: context
	// canceled" when stopped during startup) would os.Exit(255) in the middle
	// of our shutdown. During shutdown, park the calling goroutine instead;
	// otherwise clean up what outlives us and exit.
	klog.OsExit = func(code int) {
		if shuttingDown.Load() || l.stopping.Load() {
			select {}
		}
		if l.kcm != nil && l.kcm.Process != nil {
			_ = l.kcm.Process.Kill()
		}
		if l.dir != "" {
			_ = os.Remove(l.logPath("ready.json"))
		}
		os.Exit(code)
	}
	defer l.stop()
	code := l.run(ctx, start, *dirFlag, *portFlag, *ctrlFlag, *timeout, extraAPIServerArgs)
	if code != 0 {
		if shuttingDown.Load() {
			for _, s := range l.sinks {
				s.release(false) // errors caused by the interrupted startup
			}
			return 0
		}
		return code
	}
	// Running: wait for a signal or for kube-apiserver to fail.
	select {
	case <-ctx.Done():
		return 0
	case err := <-l.apiserverErr:
		logf("kube-apiserver stopped: %v (see %s)", err, l.logPath("apiserver.log"))
		l.apiserverErr = nil
		return 1
	case err := <-l.etcdErr:
		logf("etcd failed: %v (see %s)", err, l.logPath("etcd.log"))
		return 1
	}
}

type launcher struct {
	verbose         bool
	dir             string
	removeDir       bool
	etcd            *embed.Etcd
	etcdErr         <-chan error
	etcdStderrLevel zap.AtomicLevel
	apiCancel       context.CancelFunc
	apiserverErr    chan error
	kcm             *exec.Cmd
	kcmDone         chan struct{}
	stopping        atomic.Bool
	logFiles        []*os.File
	sinks           []*logSink
}

func (l *launcher) logPath(name string) string { return filepath.Join(l.dir, name) }

func (l *launcher) openLog(name string) (*os.File, error) {
	f, err := os.OpenFile(l.logPath(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err == nil {
		l.logFiles = append(l.logFiles, f)
	}
	return f, err
}

func (l *launcher) run(ctx context.Context, start time.Time, dir string, port int, controllers string,
	timeout time.Duration, extra []string) int {
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "kube-testenv-"); err != nil {
			failf("%v", err)
			return 1
		}
		l.removeDir = true
		logf("state dir %s (removed on exit; set KT_DIR to keep it)", dir)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		failf("%v", err)
		return 1
	}
	l.dir = dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		failf("%v", err)
		return 1
	}
	_ = os.Remove(l.logPath("ready.json"))

	p, err := ensurePKI(dir)
	if err != nil {
		failf("certificates: %v", err)
		return 1
	}

	// kube-apiserver's listener: created here, so a free port cannot be taken
	// by someone else between choosing it and binding it.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		failf("secure port: %v", err)
		return 1
	}
	port = ln.Addr().(*net.TCPAddr).Port
	server := fmt.Sprintf("https://127.0.0.1:%d", port)

	etcdPorts, err := freePorts(2)
	if err != nil {
		failf("etcd ports: %v", err)
		return 1
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPorts[0])

	kcmOn := controllers != "none" && controllers != ""
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// The "kubernetes" Service keeps working, but its Endpoints are not
		// reconciled: 127.0.0.1 is rejected there ("may not be in the loopback
		// range") and the reconciler would log an error every 10s.
		"--endpoint-reconciler-type=none",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + p.ServingCert,
		"--tls-private-key-file=" + p.ServingKey,
		"--client-ca-file=" + p.CACert,
		"--cert-dir=" + filepath.Join(dir, "certs"),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + p.SAKey,
		"--service-account-signing-key-file=" + p.SAKey,
		"--token-auth-file=" + p.TokensCSV,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.0.0.0/16",
		"--allow-privileged=true",
		"--disable-admission-plugins=ServiceAccount",
		"--enable-garbage-collector=" + strconv.FormatBool(kcmOn),
		"--profiling=false",
	}
	args = append(args, extra...)

	apiLog, err := l.openLog("apiserver.log")
	if err != nil {
		failf("%v", err)
		return 1
	}
	apiCtx, apiCancel := context.WithCancel(context.Background())
	l.apiCancel = apiCancel
	sink := &logSink{file: apiLog, stderr: os.Stderr, verbose: l.verbose, prefix: []byte("[apiserver] "), hold: !l.verbose}
	l.sinks = append(l.sinks, sink)
	// Parse the flags and set up klog first: etcd's gRPC gateway logs through klog too.
	runAPIServer, err := prepareAPIServer(args, ln, sink)
	if err != nil {
		ln.Close()
		failf("kube-apiserver: %v", err)
		return 1
	}
	if err := l.startEtcd(ctx, etcdPorts); err != nil {
		ln.Close()
		failf("etcd: %v (see %s)", err, l.logPath("etcd.log"))
		return 1
	}
	l.apiserverErr, err = runAPIServer(apiCtx)
	if err != nil {
		ln.Close()
		failf("kube-apiserver: %v", err)
		return 1
	}

	kubeconfig := l.logPath("admin.kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, p); err != nil {
		failf("kubeconfig: %v", err)
		return 1
	}

	deadline := time.Now().Add(timeout)
	if err := l.waitReadyz(ctx, server, p, deadline); err != nil {
		failf("kube-apiserver not ready: %v (see %s)", err, l.logPath("apiserver.log"))
		return 1
	}
	apiReady := time.Since(start)

	var ctrlList []string
	pids := map[string]int{"launcher": os.Getpid()}
	if kcmOn {
		ctrlList = strings.Split(controllers, ",")
		wait, err := l.kcmWaiter(ctx, kubeconfig, ctrlList)
		if err != nil {
			failf("kube-controller-manager: %v", err)
			return 1
		}
		if err := l.startKCM(kubeconfig, p, controllers); err != nil {
			failf("kube-controller-manager: %v", err)
			return 1
		}
		pids["controllerManager"] = l.kcm.Process.Pid
		if err := wait(deadline); err != nil {
			failf("kube-controller-manager not ready: %v (see %s)", err, l.logPath("kcm.log"))
			return 1
		}
	}

	info := readyInfo{
		Port:        port,
		Server:      server,
		Kubeconfig:  kubeconfig,
		CAFile:      p.CACert,
		Token:       p.AdminToken,
		Dir:         dir,
		Version:     version.Get().GitVersion,
		Pids:        pids,
		Controllers: ctrlList,
		Logs: map[string]string{
			"apiserver":         l.logPath("apiserver.log"),
			"controllerManager": l.logPath("kcm.log"),
			"etcd":              l.logPath("etcd.log"),
		},
		StartupSeconds: time.Since(start).Seconds(),
	}
	for _, s := range l.sinks {
		s.release(false) // startup errors were transient
	}
	b, _ := json.MarshalIndent(info, "", "  ")
	tmp := l.logPath(".ready.json.tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		failf("%v", err)
		return 1
	}
	if err := os.Rename(tmp, l.logPath("ready.json")); err != nil {
		failf("%v", err)
		return 1
	}
	fmt.Printf("kube-testenv: ready %s %s (apiserver %.1fs, total %.1fs) kubeconfig=%s\n",
		info.Version, server, apiReady.Seconds(), info.StartupSeconds, kubeconfig)
	return 0
}

// startEtcd runs a single-member etcd in this process, on loopback only.
func (l *launcher) startEtcd(ctx context.Context, ports []int) error {
	f, err := l.openLog("etcd.log")
	if err != nil {
		return err
	}
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	enc := zapcore.NewConsoleEncoder(encCfg)
	l.etcdStderrLevel = zap.NewAtomicLevelAt(zapcore.ErrorLevel)
	if l.verbose {
		l.etcdStderrLevel.SetLevel(zapcore.InfoLevel)
	}
	core := zapcore.NewTee(
		zapcore.NewCore(enc, zapcore.AddSync(f), zapcore.InfoLevel),
		zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(prefixWriter{os.Stderr, "[etcd] "})), l.etcdStderrLevel),
	)
	lg := zap.New(core)

	cfg := embed.NewConfig()
	cfg.Name = "kube-testenv"
	cfg.Dir = filepath.Join(l.dir, "etcd")
	cfg.UnsafeNoFsync = true // test data; no durability needed
	cfg.Logger = "zap"
	cfg.LogLevel = "info"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(lg)
	cu := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))}
	pu := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{cu}, []url.URL{cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{pu}, []url.URL{pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ListenMetricsUrls = nil
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	l.etcd = e
	l.etcdErr = e.Err()
	select {
	case <-e.Server.ReadyNotify():
		return nil
	case err := <-e.Err():
		return err
	case <-time.After(time.Minute):
		return errors.New("etcd not ready after 1m")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// prepareAPIServer and the function it returns do what `kube-apiserver`
// (app.NewAPIServerCommand) does, but with our context (signals are handled
// by the launcher), our listener and our log sink.
func prepareAPIServer(args []string, ln net.Listener, sink io.Writer) (func(context.Context) (chan error, error), error) {
	s := options.NewServerRunOptions()
	nfs := s.Flags()
	s.Flagz = flagz.NamedFlagSetsReader{FlagSets: nfs}
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range nfs.FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected kube-apiserver arguments %q", fs.Args())
	}
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	featureGate := s.GenericServerRunOptions.ComponentGlobalsRegistry.FeatureGateFor(basecompatibility.DefaultKubeComponent)
	logs.InitLogs()
	if err := logsapi.ValidateAndApplyWithOptions(s.Logs, &logsapi.LoggingOptions{ErrorStream: sink, InfoStream: sink}, featureGate); err != nil {
		return nil, err
	}
	s.SecureServing.Listener = ln
	s.SecureServing.BindPort = ln.Addr().(*net.TCPAddr).Port
	return func(ctx context.Context) (chan error, error) { return runAPIServer(ctx, s, featureGate) }, nil
}

func runAPIServer(ctx context.Context, s *options.ServerRunOptions, featureGate featuregate.FeatureGate) (chan error, error) {
	completed, err := s.Complete(ctx)
	if err != nil {
		return nil, err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return nil, utilerrors.NewAggregate(errs)
	}
	featureGate.(featuregate.MutableFeatureGate).AddMetrics()
	s.GenericServerRunOptions.ComponentGlobalsRegistry.AddMetrics()
	errc := make(chan error, 1)
	go func() {
		err := app.Run(ctx, completed)
		if err == nil && ctx.Err() == nil {
			err = errors.New("returned without error")
		}
		errc <- err
	}()
	return errc, nil
}

func writeKubeconfig(path, server string, p *pki) error {
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kube-testenv"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: p.AdminToken}
	cfg.Contexts["kube-testenv"] = &clientcmdapi.Context{Cluster: "kube-testenv", AuthInfo: "admin", Namespace: "default"}
	cfg.CurrentContext = "kube-testenv"
	return clientcmd.WriteToFile(*cfg, path)
}

func (l *launcher) waitReadyz(ctx context.Context, server string, p *pki, deadline time.Time) error {
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer c.CloseIdleConnections()
	last := "no answer yet"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, server+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+p.AdminToken)
		if resp, err := c.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, failedChecks(string(body)))
		} else {
			last = err.Error()
		}
		select {
		case err := <-l.apiserverErr:
			l.apiserverErr = nil
			return fmt.Errorf("kube-apiserver exited: %v", err)
		case err := <-l.etcdErr:
			return fmt.Errorf("etcd failed: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timeout; last /readyz: %s", last)
		}
	}
}

func failedChecks(body string) string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "[-]") {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return strings.TrimSpace(body)
	}
	return strings.Join(out, "; ")
}

func (l *launcher) startKCM(kubeconfig string, p *pki, controllers string) error {
	// /proc/self/exe still works if the cached binary was replaced or deleted
	// while we run; os.Executable() would then name a missing file.
	exe := "/proc/self/exe"
	if _, err := os.Stat(exe); err != nil {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	f, err := l.openLog("kcm.log")
	if err != nil {
		return err
	}
	args := []string{"controller-manager",
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--controllers=" + controllers,
		"--service-account-private-key-file=" + p.SAKey,
		"--root-ca-file=" + p.CACert,
		"--use-service-account-credentials=false",
	}
	sink := &logSink{file: f, stderr: os.Stderr, verbose: l.verbose, prefix: []byte("[kcm] "), hold: !l.verbose}
	l.sinks = append(l.sinks, sink)
	cmd := exec.Command(exe, args...)
	cmd.Args[0] = os.Args[0] // what ps shows
	cmd.Env = append(os.Environ(), "KT_PARENT_PID="+strconv.Itoa(os.Getpid()))
	cmd.Stdout, cmd.Stderr = sink, sink
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return err
	}
	l.kcm = cmd
	l.kcmDone = make(chan struct{})
	go func() {
		err := cmd.Wait()
		if !l.stopping.Load() {
			logf("kube-controller-manager (pid %d) exited: %v; see %s", cmd.Process.Pid, errOrOK(err), l.logPath("kcm.log"))
		}
		close(l.kcmDone)
	}()
	return nil
}

func errOrOK(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// kcmWaiter is called before kube-controller-manager starts; the function it
// returns waits for it.
func (l *launcher) kcmWaiter(ctx context.Context, kubeconfig string, ctrls []string) (func(time.Time) error, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	all := slices.Contains(ctrls, "*")
	wantSA := all || slices.Contains(ctrls, "serviceaccount-controller")
	wantCA := all || slices.Contains(ctrls, "root-ca-certificate-publisher-controller")
	if wantSA || wantCA {
		// A reused KT_DIR already has them: then only require the process to stay up.
		_, errSA := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		_, errCA := cs.CoreV1().ConfigMaps("default").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		if errSA == nil && errCA == nil {
			wantSA, wantCA = false, false
		}
	}
	return func(deadline time.Time) error {
		return l.waitKCM(ctx, cs, wantSA, wantCA, deadline)
	}, nil
}

// waitKCM waits until the controllers that have visible effects have acted:
// the "default" ServiceAccount (serviceaccount-controller) and the
// kube-root-ca.crt ConfigMap (root-ca-certificate-publisher-controller) in
// the default namespace. Otherwise it waits until the process has survived 2s.
func (l *launcher) waitKCM(ctx context.Context, cs kubernetes.Interface, wantSA, wantCA bool, deadline time.Time) error {
	minUp := time.Now().Add(2 * time.Second)
	for {
		ok := time.Now().After(minUp) || wantSA || wantCA
		if ok && wantSA {
			_, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
			ok = err == nil
			if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
				logf("waiting for kube-controller-manager: %v", err)
			}
		}
		if ok && wantCA {
			_, err := cs.CoreV1().ConfigMaps("default").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
			ok = err == nil
		}
		if ok {
			return nil
		}
		select {
		case <-l.kcmDone:
			return errors.New("process exited")
		case err := <-l.apiserverErr:
			l.apiserverErr = nil
			return fmt.Errorf("kube-apiserver exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("timeout")
		}
	}
}

// stop shuts down, in order: kube-controller-manager, kube-apiserver, etcd.
func (l *launcher) stop() {
	l.stopping.Store(true)
	for _, s := range l.sinks {
		s.release(!shuttingDown.Load()) // still held only if startup failed: show why
		s.setHold(!l.verbose)           // components log errors while being torn down
	}
	defer func() {
		for _, s := range l.sinks {
			s.release(false)
		}
	}()
	if l.kcm != nil && l.kcm.Process != nil {
		_ = l.kcm.Process.Signal(syscall.SIGTERM)
		select {
		case <-l.kcmDone:
		case <-time.After(10 * time.Second):
			_ = l.kcm.Process.Kill()
			<-l.kcmDone
		}
	}
	if l.apiCancel != nil {
		l.apiCancel()
		if l.apiserverErr != nil {
			select {
			case err := <-l.apiserverErr:
				if err != nil && !errors.Is(err, context.Canceled) {
					logf("kube-apiserver: %v", err)
				}
			case <-time.After(30 * time.Second):
				logf("kube-apiserver did not stop within 30s")
			}
		}
	}
	if l.etcd != nil {
		if !l.verbose {
			// Close() logs "setting up serving ... failed: server closed" errors.
			l.etcdStderrLevel.SetLevel(zapcore.FatalLevel)
		}
		l.etcd.Close()
	}
	logs.FlushLogs()
	for _, f := range l.logFiles {
		_ = f.Close()
	}
	if l.dir != "" {
		_ = os.Remove(l.logPath("ready.json"))
		if l.removeDir {
			_ = os.RemoveAll(l.dir)
		}
	}
}

type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	_, err := p.w.Write(append([]byte(p.prefix), b...))
	return len(b), err
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
