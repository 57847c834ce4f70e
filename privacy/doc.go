// Package privacy measures what Laplace noise on the logits costs and buys:
// the ε sweep (utility curve), the operating-point choice, and a
// membership-inference attack on the model's confidences.
package privacy
