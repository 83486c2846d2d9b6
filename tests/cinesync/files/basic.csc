<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard" userData="dailies tuesday, not json">
    <media>
        <name>sq010_sh0040_comp_v012.mov</name>
		<locators>
			<path>/mnt/shows/orbit/sq010/sh0040/comp/sq010_sh0040_comp_v012.mov</path>
		</locators>
		<playRange>
			<inFrame value="1001" />
			<outFrame value="1096" />
			<playOnlyRange value="true" />
		</playRange>
    </media>
    <media active="true" currentFrame="17">
        <name>sq010_sh0050_anim_v003.mp4</name>
		<locators>
			<url>https://review.example.com/orbit/sq010_sh0050_anim_v003.mp4</url>
			<shortHash>3b1f0c9e27d4a85f6e0b19c2d7a3e4f5061728a9</shortHash>
		</locators>
    </media>
    <media userData="{&quot;shotgun&quot;:{&quot;url&quot;:&quot;https://orbit.shotgunstudio.com&quot;,&quot;project_id&quot;:88,&quot;version_id&quot;:4021,&quot;playlist_id&quot;:312,&quot;playlist_name&quot;:&quot;Tuesday dailies&quot;}}">
        <name>sq020_sh0010_lay_v001.mov</name>
		<locators>
			<shortHash>9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3</shortHash>
		</locators>
		<notes>Camera feels late.&#x0A;Try the earlier take.</notes>
        <annotation frame="12">
			<notes>Horizon tilts here &amp; the pole &lt;left&gt; pops.</notes>
		</annotation>
    </media>
	<notes>Tuesday dailies.&#x0A;Second line of session notes.</notes>
</session>
