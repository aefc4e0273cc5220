package proxy

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// CheckListen refuses an address that is not on loopback unless
// allowRemote: the proxy forwards anything it receives with the client's
// own credentials and prints what it sees, so by default only this
// machine may use it. A host name must be "localhost"; an empty host
// (":8080") means every interface, hence remote.
func CheckListen(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if port == "" {
		return fmt.Errorf("listen address %q has no port", addr)
	}
	if allowRemote {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen address %q is not on loopback: anyone who reaches it could use the proxy", addr)
}
