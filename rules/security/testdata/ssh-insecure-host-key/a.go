package a

import "golang.org/x/crypto/ssh"

func config(callback ssh.HostKeyCallback) []*ssh.ClientConfig {
	return []*ssh.ClientConfig{
		{User: "deploy", HostKeyCallback: ssh.InsecureIgnoreHostKey()}, // want "ssh.InsecureIgnoreHostKey accepts any server"
		{User: "deploy", HostKeyCallback: callback},
	}
}
