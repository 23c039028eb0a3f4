"""The app's screens: title, new game, the game (dashboard), panels, report, debrief."""
