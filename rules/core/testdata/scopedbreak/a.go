package scopedbreak

func drain(in <-chan int, done <-chan struct{}) {
	for {
		select {
		case v := <-in:
			_ = v
		case <-done:
			break // want "ineffective break statement"
		}
	}
}

func classify(xs []int) int {
	n := 0
	for _, x := range xs {
		switch {
		case x < 0:
			n--
			break // C style: does nothing, left alone
		case x == 0:
			if n > 10 {
				break // want "ineffective break statement"
			} else {
				n++
			}
		default:
			if n > 100 {
				break // leaves the switch early: the n++ below is skipped
			}
			n++
		}
	}
	return n
}

func labeled(in <-chan int) {
loop:
	for {
		select {
		case <-in:
			break loop
		}
	}
}

func noLoop(x int) int {
	switch x {
	case 1:
		x++
		break
	}
	return x
}
