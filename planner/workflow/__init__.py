"""What staff decide: the review queue, decisions, relocation and transfer."""
