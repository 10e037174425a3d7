package proc

import (
	"sync"
	"time"
)

// Sampler records the largest resident memory of a set of processes while it runs.
type Sampler struct {
	procs []*Process
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	peak  map[string]int64
}

// StartSampler samples the resident memory of procs every interval until Stop.
func StartSampler(interval time.Duration, procs ...*Process) *Sampler {
	s := &Sampler{procs: procs, stop: make(chan struct{}), peak: map[string]int64{}}
	s.sample()
	s.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	})
	return s
}

func (s *Sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		if rss, err := RSS(p.Pid()); err == nil && rss > s.peak[p.Name] {
			s.peak[p.Name] = rss
		}
	}
}

// Stop ends sampling and returns the largest resident memory seen, in bytes, by name.
func (s *Sampler) Stop() map[string]int64 {
	close(s.stop)
	s.wg.Wait()
	s.sample()
	return s.peak
}
