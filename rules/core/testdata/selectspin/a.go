package selectspin

func drain(jobs <-chan func(), quit <-chan struct{}) {
	for {
		select {
		case job := <-jobs:
			job()
		case <-quit:
			return
		default: // want "empty default in a select that is the whole body of a for loop"
		}
	}
}

func polite(jobs <-chan func(), busy func() bool) {
	for busy() {
		select {
		case job := <-jobs:
			job()
		default:
		}
	}
	for {
		select {
		case job := <-jobs:
			job()
		default:
			return
		}
	}
}

func withWork(jobs <-chan func(), tick func()) {
	for {
		tick()
		select {
		case job := <-jobs:
			job()
		default:
		}
	}
}
