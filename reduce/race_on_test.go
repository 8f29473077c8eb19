//go:build race

package reduce

// raceEnabled shortens the heaviest tests under the race detector (10× slower).
const raceEnabled = true
