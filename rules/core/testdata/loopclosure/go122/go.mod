module example.com/loopclosure/go122

go 1.22
