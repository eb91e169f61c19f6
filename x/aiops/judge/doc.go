// Package judge is the canary judge shared by the shiplogd agent and x/aiops: a
// deterministic re-implementation of Kayenta's NetflixACAJudge. The design notes
// are in README.md until this comment is expanded.
package judge
