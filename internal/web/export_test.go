package web

import "time"

// HoldSpeakUpImageSlots takes every slot for decoding speak-up images, so
// that a request must wait for one, until release is called.
func HoldSpeakUpImageSlots() (release func()) { return speakUpImages.Hold() }

// SetSpeakUpDeadline changes how long a reporter's request may take, until
// restore is called.
func SetSpeakUpDeadline(d time.Duration) (restore func()) {
	old := speakUpDeadline
	speakUpDeadline = d
	return func() { speakUpDeadline = old }
}
