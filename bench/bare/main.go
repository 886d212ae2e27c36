// Command bare is the floor `make bench` measures cloudops-mcp against: a
// bare mcp-go server with one read tool (internal/bench/bare).
//
//	bare [-transport stdio|http] [-addr 127.0.0.1:0] [-upstream URL]
//
// Over http it prints {"url":"http://…/mcp"} on stderr once it listens.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/bench/bare"
)

func main() {
	transport := flag.String("transport", "stdio", "stdio or http (Streamable HTTP)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address for http")
	upstream := flag.String("upstream", "", "GET this URL once per tool call (empty: answer from memory)")
	flag.Parse()
	s := bare.NewServer(*upstream)
	if *transport == "stdio" {
		if err := server.ServeStdio(s); err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(1)
		}
		return
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
	line, _ := json.Marshal(map[string]string{"url": "http://" + ln.Addr().String() + "/mcp"})
	fmt.Fprintln(os.Stderr, string(line))
	mux := http.NewServeMux()
	mux.Handle("/mcp", server.NewStreamableHTTPServer(s))
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
