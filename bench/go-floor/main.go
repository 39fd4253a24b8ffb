// The floor of a compiled data plane: the same shape as floor.ts (a relay that hands each
// HTTP request to the agent as one WebSocket message over one connection, an agent that
// replays it with a keep-alive HTTP client and sends the whole answer back as one message),
// in Go with its standard library and gorilla/websocket, both from Debian's packages. No
// authentication, limits, logs, statistics, streaming or flow control.
//
//	go-floor relay              prints {"httpPort":N,"wsPort":M}
//	go-floor agent WS_PORT UPSTREAM_URL  prints "ready"
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
)

const idSize = 4

// tunnel is one WebSocket whose writers take turns.
type tunnel struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func (t *tunnel) send(message []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn.WriteMessage(websocket.BinaryMessage, message)
}

func listen() net.Listener {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	return listener
}

func runRelay() {
	var agent atomic.Pointer[tunnel]
	var nextID atomic.Uint32
	var waitingMu sync.Mutex
	waiting := map[uint32]chan []byte{}

	upgrader := websocket.Upgrader{ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	wsListener := listen()
	go http.Serve(wsListener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		agent.Store(&tunnel{conn: conn})
		for {
			_, message, err := conn.ReadMessage()
			if err != nil {
				return
			}
			id := binary.BigEndian.Uint32(message)
			waitingMu.Lock()
			answer := waiting[id]
			delete(waiting, id)
			waitingMu.Unlock()
			answer <- message[idSize:]
		}
	}))

	httpListener := listen()
	go http.Serve(httpListener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := nextID.Add(1)
		answer := make(chan []byte, 1)
		waitingMu.Lock()
		waiting[id] = answer
		waitingMu.Unlock()
		path := r.URL.RequestURI()
		message := make([]byte, idSize+len(path))
		binary.BigEndian.PutUint32(message, id)
		copy(message[idSize:], path)
		if err := agent.Load().send(message); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body := <-answer
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))

	fmt.Printf("{\"httpPort\":%d,\"wsPort\":%d}\n",
		httpListener.Addr().(*net.TCPAddr).Port, wsListener.Addr().(*net.TCPAddr).Port)
	select {}
}

func runAgent(wsPort, upstream string) {
	dialer := websocket.Dialer{ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	conn, _, err := dialer.Dial("ws://127.0.0.1:"+wsPort+"/", nil)
	if err != nil {
		log.Fatal(err)
	}
	relay := &tunnel{conn: conn}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	fmt.Println("ready")
	for {
		_, message, err := conn.ReadMessage()
		if err != nil {
			return // the relay is gone: the run is over
		}
		go func(id []byte, path string) {
			answer := id
			if response, err := client.Get(upstream + path); err == nil {
				answer, _ = io.ReadAll(io.MultiReader(bytes.NewReader(id), response.Body))
				response.Body.Close()
			}
			relay.send(answer)
		}(message[:idSize:idSize], string(message[idSize:]))
	}
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "relay" {
		runRelay()
	} else if len(os.Args) >= 4 && os.Args[1] == "agent" {
		runAgent(os.Args[2], os.Args[3])
	} else {
		log.Fatal("usage: go-floor relay | go-floor agent WS_PORT UPSTREAM_URL")
	}
}
