import {Text} from 'ink';
import {useEffect, useState} from 'react';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress while something loads; each pane that waits on a cluster shows one. */
export function Spinner() {
	const [frame, setFrame] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setFrame((value) => (value + 1) % spinnerFrames.length), 80);
		return () => clearInterval(timer);
	}, []);
	return <Text>{spinnerFrames[frame]}</Text>;
}
